package dev.ledge.onnx;

import com.google.protobuf.ByteString;
import dev.ledge.LedgeException;
import dev.ledge.onnx.proto.OnnxProtos.SparseTensorProto;
import dev.ledge.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorProto;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Converts between ONNX {@code TensorProto} messages and {@link Tensor}s. */
public final class TensorProtos {
  private TensorProtos() {}

  /** Reads a tensor that has no external data. */
  public static Tensor toTensor(TensorProto p) {
    return toTensor(p, null);
  }

  /**
   * Reads a tensor. External data is resolved inside {@code baseDir} only; a null {@code baseDir}
   * rejects external data.
   */
  public static Tensor toTensor(TensorProto p, Path baseDir) {
    String what = "tensor '" + p.getName() + "'";
    DType dtype;
    try {
      dtype = DType.fromOnnx(p.getDataType());
    } catch (LedgeException e) {
      throw new ModelFormatException(what + ": " + e.getMessage());
    }
    long[] dims = new long[p.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = p.getDims(i);
    }
    int[] shape;
    try {
      shape = Shapes.toInts(dims);
    } catch (LedgeException e) {
      throw new ModelFormatException(what + ": " + e.getMessage());
    }
    int n = Shapes.size(shape);
    long bytes = dtype.bytesFor(n);
    long budget = Runtime.getRuntime().maxMemory() / 2;
    if (bytes > budget) {
      throw new ModelFormatException(
          what
              + " of shape "
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes, more than half the heap ("
              + budget
              + " bytes)");
    }
    if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      ByteBuffer raw = readExternal(p, baseDir, dtype.bytesFor(n), what);
      return fromRaw(dtype, shape, n, raw, what);
    }
    if (p.hasRawData()) {
      if (dtype == DType.STRING) {
        throw new ModelFormatException(what + ": string tensors cannot use raw_data");
      }
      ByteString raw = p.getRawData();
      long expected = dtype.bytesFor(n);
      if (raw.size() != expected) {
        throw new ModelFormatException(
            what
                + " ("
                + dtype
                + " "
                + Arrays.toString(shape)
                + ") has "
                + raw.size()
                + " bytes of raw_data, expected "
                + expected);
      }
      return fromRaw(dtype, shape, n, raw.asReadOnlyByteBuffer(), what);
    }
    return fromTypedFields(p, dtype, shape, n, what);
  }

  private static Tensor fromRaw(DType dtype, int[] shape, int n, ByteBuffer raw, String what) {
    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Tensor t = Tensor.allocate(dtype, shape);
    int slots = (int) dtype.slotsFor(n);
    switch (dtype.storage()) {
      case FLOAT -> b.asFloatBuffer().get(t.floats(), 0, slots);
      case DOUBLE -> b.asDoubleBuffer().get(t.doubles(), 0, slots);
      case BYTE -> b.get(t.bytes(), 0, slots);
      case SHORT -> b.asShortBuffer().get(t.shorts(), 0, slots);
      case INT -> b.asIntBuffer().get(t.ints(), 0, slots);
      case LONG -> b.asLongBuffer().get(t.longs(), 0, slots);
      case STRING -> throw new ModelFormatException(what + ": string tensors have no raw form");
    }
    if (dtype == DType.BOOL) {
      byte[] a = t.bytes();
      for (int i = 0; i < n; i++) {
        a[i] = (byte) (a[i] != 0 ? 1 : 0);
      }
    }
    return t;
  }

  private static Tensor fromTypedFields(
      TensorProto p, DType dtype, int[] shape, int n, String what) {
    Tensor t = Tensor.allocate(dtype, shape);
    int slots = (int) dtype.slotsFor(n);
    switch (dtype) {
      case FLOAT32, COMPLEX64 -> {
        expectCount(what, "float_data", p.getFloatDataCount(), slots);
        float[] a = t.floats();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getFloatData(i);
        }
      }
      case FLOAT64, COMPLEX128 -> {
        expectCount(what, "double_data", p.getDoubleDataCount(), slots);
        double[] a = t.doubles();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getDoubleData(i);
        }
      }
      case INT64 -> {
        expectCount(what, "int64_data", p.getInt64DataCount(), slots);
        long[] a = t.longs();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getInt64Data(i);
        }
      }
      case UINT32 -> {
        expectCount(what, "uint64_data", p.getUint64DataCount(), slots);
        int[] a = t.ints();
        for (int i = 0; i < slots; i++) {
          a[i] = (int) p.getUint64Data(i);
        }
      }
      case UINT64 -> {
        expectCount(what, "uint64_data", p.getUint64DataCount(), slots);
        long[] a = t.longs();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getUint64Data(i);
        }
      }
      case INT32 -> {
        expectCount(what, "int32_data", p.getInt32DataCount(), slots);
        int[] a = t.ints();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getInt32Data(i);
        }
      }
      case STRING -> {
        expectCount(what, "string_data", p.getStringDataCount(), slots);
        String[] a = t.strings();
        for (int i = 0; i < slots; i++) {
          a[i] = p.getStringData(i).toString(StandardCharsets.UTF_8);
        }
      }
      default -> {
        // 8- and 16-bit types (and packed 4/2-bit bytes) are stored one slot per int32 entry.
        expectCount(what, "int32_data", p.getInt32DataCount(), slots);
        if (dtype.storage() == DType.Storage.SHORT) {
          short[] a = t.shorts();
          for (int i = 0; i < slots; i++) {
            a[i] = (short) p.getInt32Data(i);
          }
        } else {
          byte[] a = t.bytes();
          for (int i = 0; i < slots; i++) {
            int v = p.getInt32Data(i);
            a[i] = (byte) (dtype == DType.BOOL ? (v != 0 ? 1 : 0) : v);
          }
        }
      }
    }
    return t;
  }

  private static void expectCount(String what, String field, int got, int expected) {
    if (got != expected) {
      throw new ModelFormatException(
          what + " has " + got + " values in " + field + ", expected " + expected);
    }
  }

  private static ByteBuffer readExternal(TensorProto p, Path baseDir, long expected, String what) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : p.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = parseLong(e.getValue(), what, "offset");
        case "length" -> length = parseLong(e.getValue(), what, "length");
        default -> {
          // checksum and others: not needed to read the bytes
        }
      }
    }
    if (location == null || location.isEmpty()) {
      throw new ModelFormatException(what + ": external data without a location");
    }
    if (baseDir == null) {
      throw new ModelFormatException(
          what + ": external data '" + location + "' needs the model to be loaded from a file");
    }
    Path base = baseDir.toAbsolutePath().normalize();
    Path file = base.resolve(location).normalize();
    if (!file.startsWith(base) || Path.of(location).isAbsolute()) {
      throw new ModelFormatException(
          what + ": external data path '" + location + "' escapes the model directory " + base);
    }
    try {
      if (!Files.isRegularFile(file)) {
        throw new ModelFormatException(what + ": external data file " + file + " does not exist");
      }
      Path real = file.toRealPath();
      if (!real.startsWith(base.toRealPath(LinkOption.NOFOLLOW_LINKS))
          && !real.startsWith(base.toRealPath())) {
        throw new ModelFormatException(
            what + ": external data path '" + location + "' leads outside the model directory");
      }
      long size = Files.size(real);
      if (length < 0) {
        length = size - offset;
      }
      if (length != expected) {
        throw new ModelFormatException(
            what + ": external data length is " + length + " bytes, expected " + expected);
      }
      if (offset < 0 || offset + length > size) {
        throw new ModelFormatException(
            what
                + ": external data range "
                + offset
                + "+"
                + length
                + " exceeds file "
                + real
                + " of "
                + size
                + " bytes");
      }
      try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        while (buf.hasRemaining()) {
          if (ch.read(buf, offset + buf.position()) < 0) {
            throw new ModelFormatException(what + ": external data file ended early");
          }
        }
        return buf.flip();
      }
    } catch (IOException e) {
      throw new ModelFormatException(what + ": cannot read external data " + file + ": " + e, e);
    }
  }

  private static long parseLong(String s, String what, String key) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ModelFormatException(what + ": external data " + key + " '" + s + "' is no number");
    }
  }

  /** Densifies a sparse tensor (indices linearized [NNZ] or coordinates [NNZ, rank]). */
  public static Tensor sparseToDense(SparseTensorProto sp, Path baseDir) {
    String what = "sparse tensor '" + sp.getValues().getName() + "'";
    Tensor values = toTensor(sp.getValues(), baseDir);
    Tensor indices = toTensor(sp.getIndices(), baseDir);
    long[] dims = new long[sp.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = sp.getDims(i);
    }
    Tensor dense;
    try {
      dense = Tensor.allocate(values.dtype(), dims);
    } catch (LedgeException e) {
      throw new ModelFormatException(what + ": " + e.getMessage());
    }
    int nnz = values.size();
    int[] shape = dense.shape();
    int[] strides = Shapes.strides(shape);
    boolean coords = indices.rank() == 2;
    if (values.rank() != 1
        || (coords
            ? indices.dim(0) != nnz || indices.dim(1) != shape.length
            : indices.size() != nnz)) {
      throw new ModelFormatException(
          what + ": values " + values + " and indices " + indices + " do not match");
    }
    for (int k = 0; k < nnz; k++) {
      long linear = 0;
      if (coords) {
        for (int d = 0; d < shape.length; d++) {
          long c = indices.getLong(k * shape.length + d);
          if (c < 0 || c >= shape[d]) {
            throw new ModelFormatException(what + ": index out of range");
          }
          linear += c * strides[d];
        }
      } else {
        linear = indices.getLong(k);
      }
      if (linear < 0 || linear >= dense.size()) {
        throw new ModelFormatException(what + ": index " + linear + " out of range");
      }
      if (values.dtype() == DType.STRING) {
        dense.setString((int) linear, values.getString(k));
      } else if (values.dtype().isFloatingPoint()) {
        dense.setDouble((int) linear, values.getDouble(k));
      } else {
        dense.setLong((int) linear, values.getLong(k));
      }
    }
    return dense;
  }

  /** Writes a tensor (raw little-endian data; strings in string_data). */
  public static TensorProto fromTensor(String name, Tensor t) {
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setName(name == null ? "" : name)
            .setDataType(t.dtype().onnxCode());
    for (int d : t.shape()) {
      b.addDims(d);
    }
    if (t.dtype() == DType.STRING) {
      for (int i = 0; i < t.size(); i++) {
        b.addStringData(ByteString.copyFromUtf8(t.getString(i)));
      }
      return b.build();
    }
    b.setRawData(ByteString.copyFrom(rawBytes(t)));
    return b.build();
  }

  /** The tensor's elements as ONNX raw bytes (little-endian, sub-byte types packed). */
  public static ByteBuffer rawBytes(Tensor t) {
    Tensor h = t.toHeap();
    int slots = (int) h.dtype().slotsFor(h.size());
    ByteBuffer b =
        ByteBuffer.allocate((int) h.dtype().bytesFor(h.size())).order(ByteOrder.LITTLE_ENDIAN);
    int off = h.offset();
    switch (h.dtype().storage()) {
      case FLOAT -> b.asFloatBuffer().put(h.floats(), off, slots);
      case DOUBLE -> b.asDoubleBuffer().put(h.doubles(), off, slots);
      case BYTE -> b.put(h.bytes(), off, slots);
      case SHORT -> b.asShortBuffer().put(h.shorts(), off, slots);
      case INT -> b.asIntBuffer().put(h.ints(), off, slots);
      case LONG -> b.asLongBuffer().put(h.longs(), off, slots);
      case STRING -> throw new LedgeException("string tensors have no raw bytes");
    }
    b.position(0);
    return b;
  }
}
