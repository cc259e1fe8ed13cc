package dev.ledge.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ledge.graph.ValueType;
import dev.ledge.onnx.proto.OnnxProtos.OptionalProto;
import dev.ledge.onnx.proto.OnnxProtos.SequenceProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorProto;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.OptionalValue;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes single values in ONNX protobuf form: {@code TensorProto}, {@code SequenceProto}
 * and {@code OptionalProto} files, as used by the ONNX backend test data.
 */
public final class OnnxValues {
  private OnnxValues() {}

  /** Reads a serialized TensorProto file. */
  public static Tensor readTensor(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return TensorProtos.toTensor(TensorProto.parseFrom(limited(in)), file.getParent());
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(file + " is not a TensorProto: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a value file whose kind is given by {@code type} (tensor if null). */
  public static Object readValue(Path file, ValueType type) {
    if (type == null || type instanceof ValueType.TensorType) {
      return readTensor(file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (type instanceof ValueType.SequenceType) {
        return sequence(SequenceProto.parseFrom(limited(in)));
      }
      if (type instanceof ValueType.OptionalType) {
        return optional(OptionalProto.parseFrom(limited(in)));
      }
      throw new ModelFormatException("cannot read values of type " + type + " from " + file);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(file + " is not a " + type + " value: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static CodedInputStream limited(InputStream in) {
    CodedInputStream c = CodedInputStream.newInstance(in);
    c.setSizeLimit(Integer.MAX_VALUE);
    return c;
  }

  static TensorSequence sequence(SequenceProto p) {
    if (p.getElemType() != SequenceProto.DataType.TENSOR_VALUE
        && p.getTensorValuesCount() == 0
        && p.getElemType() != SequenceProto.DataType.UNDEFINED_VALUE) {
      throw new ModelFormatException("sequences of non-tensors are not supported");
    }
    List<Tensor> ts = new ArrayList<>();
    for (TensorProto t : p.getTensorValuesList()) {
      ts.add(TensorProtos.toTensor(t));
    }
    DType dt = ts.isEmpty() ? null : ts.getFirst().dtype();
    return new TensorSequence(dt, ts);
  }

  static OptionalValue optional(OptionalProto p) {
    if (p.hasTensorValue()) {
      return new OptionalValue(TensorProtos.toTensor(p.getTensorValue()));
    }
    if (p.hasSequenceValue()) {
      return new OptionalValue(sequence(p.getSequenceValue()));
    }
    return OptionalValue.empty();
  }
}
