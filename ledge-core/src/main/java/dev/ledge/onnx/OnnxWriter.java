package dev.ledge.onnx;

import com.google.protobuf.ByteString;
import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Dim;
import dev.ledge.graph.FunctionDef;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.onnx.proto.OnnxProtos.AttributeProto;
import dev.ledge.onnx.proto.OnnxProtos.FunctionProto;
import dev.ledge.onnx.proto.OnnxProtos.GraphProto;
import dev.ledge.onnx.proto.OnnxProtos.ModelProto;
import dev.ledge.onnx.proto.OnnxProtos.NodeProto;
import dev.ledge.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.ledge.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.ledge.onnx.proto.OnnxProtos.TypeProto;
import dev.ledge.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes Ledge's IR as ONNX. Files are written to a temporary name next to the target and renamed,
 * so an interrupted write never leaves a half-written model.
 */
public final class OnnxWriter {
  private OnnxWriter() {}

  /** Serializes a model to ONNX bytes. */
  public static byte[] toBytes(ModelDef m) {
    return toProto(m).toByteArray();
  }

  /** Writes a model file atomically (temp file + rename). */
  public static void write(ModelDef m, Path file) {
    ModelProto p = toProto(m);
    Path abs = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LedgeException("cannot write model to " + file + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** Converts a model to its protobuf message. */
  public static ModelProto toProto(ModelDef m) {
    ModelProto.Builder b =
        ModelProto.newBuilder()
            .setIrVersion(m.irVersion())
            .setProducerName(m.producerName())
            .setProducerVersion(m.producerVersion())
            .setDomain(m.domain())
            .setModelVersion(m.modelVersion())
            .setDocString(m.docString())
            .setGraph(graph(m.graph()));
    for (Map.Entry<String, Long> e : m.opsetImports().entrySet()) {
      b.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
    }
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      b.addMetadataProps(
          StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    for (FunctionDef f : m.functions()) {
      b.addFunctions(function(f));
    }
    return b.build();
  }

  public static GraphProto graph(Graph g) {
    GraphProto.Builder b = GraphProto.newBuilder().setName(g.name()).setDocString(g.docString());
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      b.addInitializer(TensorProtos.fromTensor(e.getKey(), e.getValue()));
    }
    for (ValueInfo v : g.inputs()) {
      b.addInput(valueInfo(v));
    }
    for (ValueInfo v : g.outputs()) {
      b.addOutput(valueInfo(v));
    }
    for (ValueInfo v : g.valueInfo().values()) {
      b.addValueInfo(valueInfo(v));
    }
    for (Node n : g.nodes()) {
      b.addNode(node(n));
    }
    return b.build();
  }

  static NodeProto node(Node n) {
    NodeProto.Builder b =
        NodeProto.newBuilder()
            .setName(n.name())
            .setOpType(n.opType())
            .setDomain(n.domain())
            .addAllInput(n.inputs())
            .addAllOutput(n.outputs());
    if (!n.docString().isEmpty()) {
      b.setDocString(n.docString());
    }
    for (Attribute a : n.attributes().values()) {
      b.addAttribute(attribute(a));
    }
    return b.build();
  }

  static AttributeProto attribute(Attribute a) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
    switch (a.type()) {
      case FLOAT -> b.setType(AttributeProto.AttributeType.FLOAT).setF(a.asFloat());
      case INT -> b.setType(AttributeProto.AttributeType.INT).setI(a.asInt());
      case STRING ->
          b.setType(AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFromUtf8(a.asString()));
      case TENSOR ->
          b.setType(AttributeProto.AttributeType.TENSOR)
              .setT(TensorProtos.fromTensor("", a.asTensor()));
      case GRAPH -> b.setType(AttributeProto.AttributeType.GRAPH).setG(graph(a.asGraph()));
      case TYPE -> b.setType(AttributeProto.AttributeType.TYPE_PROTO).setTp(type(a.asType()));
      case FLOATS -> {
        b.setType(AttributeProto.AttributeType.FLOATS);
        for (float f : a.asFloats()) {
          b.addFloats(f);
        }
      }
      case INTS -> {
        b.setType(AttributeProto.AttributeType.INTS);
        for (long v : a.asInts()) {
          b.addInts(v);
        }
      }
      case STRINGS -> {
        b.setType(AttributeProto.AttributeType.STRINGS);
        for (String s : a.asStrings()) {
          b.addStrings(ByteString.copyFromUtf8(s));
        }
      }
      case TENSORS -> {
        b.setType(AttributeProto.AttributeType.TENSORS);
        for (Tensor t : a.asTensors()) {
          b.addTensors(TensorProtos.fromTensor("", t));
        }
      }
      case GRAPHS -> {
        b.setType(AttributeProto.AttributeType.GRAPHS);
        for (Graph g : a.asGraphs()) {
          b.addGraphs(graph(g));
        }
      }
      case TYPES -> {
        b.setType(AttributeProto.AttributeType.TYPE_PROTOS);
        for (ValueType t : a.asTypes()) {
          b.addTypeProtos(type(t));
        }
      }
    }
    return b.build();
  }

  static ValueInfoProto valueInfo(ValueInfo v) {
    ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
    if (v.type() != null) {
      b.setType(type(v.type()));
    }
    if (!v.docString().isEmpty()) {
      b.setDocString(v.docString());
    }
    return b.build();
  }

  /** Converts a value type to a TypeProto (unknown parts are left out). */
  public static TypeProto type(ValueType t) {
    TypeProto.Builder b = TypeProto.newBuilder();
    switch (t) {
      case ValueType.TensorType tt -> {
        TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder();
        if (tt.dtype() != null) {
          tb.setElemType(tt.dtype().onnxCode());
        }
        if (tt.shape() != null) {
          tb.setShape(shape(tt.shape()));
        }
        b.setTensorType(tb);
      }
      case ValueType.SequenceType st -> {
        TypeProto.Sequence.Builder sb = TypeProto.Sequence.newBuilder();
        if (st.element() != null) {
          sb.setElemType(type(st.element()));
        }
        b.setSequenceType(sb);
      }
      case ValueType.OptionalType ot -> {
        TypeProto.Optional.Builder ob = TypeProto.Optional.newBuilder();
        if (ot.element() != null) {
          ob.setElemType(type(ot.element()));
        }
        b.setOptionalType(ob);
      }
      case ValueType.MapType mt -> {
        TypeProto.Map.Builder mb = TypeProto.Map.newBuilder().setKeyType(mt.key().onnxCode());
        if (mt.value() != null) {
          mb.setValueType(type(mt.value()));
        }
        b.setMapType(mb);
      }
      case ValueType.SparseTensorType st -> {
        TypeProto.SparseTensor.Builder sb = TypeProto.SparseTensor.newBuilder();
        if (st.dtype() != null) {
          sb.setElemType(st.dtype().onnxCode());
        }
        if (st.shape() != null) {
          sb.setShape(shape(st.shape()));
        }
        b.setSparseTensorType(sb);
      }
    }
    return b.build();
  }

  private static TensorShapeProto shape(Shape s) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (Dim d : s.dims()) {
      TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
      if (d.isKnown()) {
        db.setDimValue(d.value());
      } else if (d.symbol() != null) {
        db.setDimParam(d.symbol());
      }
      b.addDim(db);
    }
    return b.build();
  }

  private static FunctionProto function(FunctionDef f) {
    FunctionProto.Builder b =
        FunctionProto.newBuilder()
            .setDomain(f.domain())
            .setName(f.name())
            .addAllInput(f.inputs())
            .addAllOutput(f.outputs());
    for (String a : f.attributes()) {
      if (!f.defaults().containsKey(a)) {
        b.addAttribute(a);
      }
    }
    for (Attribute a : f.defaults().values()) {
      b.addAttributeProto(attribute(a));
    }
    for (Node n : f.nodes()) {
      b.addNode(node(n));
    }
    for (Map.Entry<String, Long> e : f.opsetImports().entrySet()) {
      b.addOpsetImport(
          OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
    }
    return b.build();
  }
}
