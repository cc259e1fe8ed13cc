package dev.ledge.tensor;

import dev.ledge.LedgeException;

/**
 * Element types, numbered as ONNX numbers them. Each type has a Java storage: the array class that
 * holds its elements (sub-byte types are packed into bytes, low bits first, as in ONNX raw data).
 */
public enum DType {
  FLOAT32(1, "float32", 32, Kind.FLOAT, Storage.FLOAT),
  UINT8(2, "uint8", 8, Kind.UNSIGNED, Storage.BYTE),
  INT8(3, "int8", 8, Kind.SIGNED, Storage.BYTE),
  UINT16(4, "uint16", 16, Kind.UNSIGNED, Storage.SHORT),
  INT16(5, "int16", 16, Kind.SIGNED, Storage.SHORT),
  INT32(6, "int32", 32, Kind.SIGNED, Storage.INT),
  INT64(7, "int64", 64, Kind.SIGNED, Storage.LONG),
  STRING(8, "string", 0, Kind.STRING, Storage.STRING),
  BOOL(9, "bool", 8, Kind.BOOL, Storage.BYTE),
  FLOAT16(10, "float16", 16, Kind.FLOAT, Storage.SHORT),
  FLOAT64(11, "float64", 64, Kind.FLOAT, Storage.DOUBLE),
  UINT32(12, "uint32", 32, Kind.UNSIGNED, Storage.INT),
  UINT64(13, "uint64", 64, Kind.UNSIGNED, Storage.LONG),
  COMPLEX64(14, "complex64", 64, Kind.COMPLEX, Storage.FLOAT),
  COMPLEX128(15, "complex128", 128, Kind.COMPLEX, Storage.DOUBLE),
  BFLOAT16(16, "bfloat16", 16, Kind.FLOAT, Storage.SHORT),
  FLOAT8E4M3FN(17, "float8e4m3fn", 8, Kind.FLOAT, Storage.BYTE),
  FLOAT8E4M3FNUZ(18, "float8e4m3fnuz", 8, Kind.FLOAT, Storage.BYTE),
  FLOAT8E5M2(19, "float8e5m2", 8, Kind.FLOAT, Storage.BYTE),
  FLOAT8E5M2FNUZ(20, "float8e5m2fnuz", 8, Kind.FLOAT, Storage.BYTE),
  UINT4(21, "uint4", 4, Kind.UNSIGNED, Storage.BYTE),
  INT4(22, "int4", 4, Kind.SIGNED, Storage.BYTE),
  FLOAT4E2M1(23, "float4e2m1", 4, Kind.FLOAT, Storage.BYTE),
  FLOAT8E8M0(24, "float8e8m0", 8, Kind.FLOAT, Storage.BYTE),
  UINT2(25, "uint2", 2, Kind.UNSIGNED, Storage.BYTE),
  INT2(26, "int2", 2, Kind.SIGNED, Storage.BYTE);

  /** What the values are. */
  public enum Kind {
    FLOAT,
    SIGNED,
    UNSIGNED,
    BOOL,
    STRING,
    COMPLEX
  }

  /** The Java array type that stores elements of a type. */
  public enum Storage {
    FLOAT(float[].class, 4),
    DOUBLE(double[].class, 8),
    BYTE(byte[].class, 1),
    SHORT(short[].class, 2),
    INT(int[].class, 4),
    LONG(long[].class, 8),
    STRING(String[].class, 8);

    private final Class<?> arrayClass;
    private final int slotBytes;

    Storage(Class<?> arrayClass, int slotBytes) {
      this.arrayClass = arrayClass;
      this.slotBytes = slotBytes;
    }

    public Class<?> arrayClass() {
      return arrayClass;
    }

    /** Bytes per array slot. */
    public int slotBytes() {
      return slotBytes;
    }
  }

  private static final DType[] BY_CODE = new DType[32];

  static {
    for (DType t : values()) {
      BY_CODE[t.onnxCode] = t;
    }
  }

  private final int onnxCode;
  private final String displayName;
  private final int bits;
  private final Kind kind;
  private final Storage storage;

  DType(int onnxCode, String displayName, int bits, Kind kind, Storage storage) {
    this.onnxCode = onnxCode;
    this.displayName = displayName;
    this.bits = bits;
    this.kind = kind;
    this.storage = storage;
  }

  /** The ONNX {@code TensorProto.DataType} number. */
  public int onnxCode() {
    return onnxCode;
  }

  /** The type for an ONNX data type number, or a {@link LedgeException} naming the number. */
  public static DType fromOnnx(int code) {
    DType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new LedgeException(
          "unknown ONNX tensor element type " + code + " (expected 1..26, 0 is UNDEFINED)");
    }
    return t;
  }

  /** Bits per element (0 for strings). */
  public int bits() {
    return bits;
  }

  public Kind kind() {
    return kind;
  }

  public Storage storage() {
    return storage;
  }

  /** True if elements are packed several to a byte (4- and 2-bit types). */
  public boolean packed() {
    return bits < 8 && bits > 0;
  }

  /** Elements per storage slot: 2 for 4-bit, 4 for 2-bit, 2 for complex, else 1. */
  public int elementsPerSlot() {
    return packed() ? 8 / bits : 1;
  }

  /** Storage array slots needed for {@code n} elements. */
  public long slotsFor(long n) {
    if (packed()) {
      int per = 8 / bits;
      return (n + per - 1) / per;
    }
    return kind == Kind.COMPLEX ? 2 * n : n;
  }

  /** Bytes needed to hold {@code n} elements in memory (strings count as one reference each). */
  public long bytesFor(long n) {
    return storage.slotBytes() * slotsFor(n);
  }

  public boolean isFloatingPoint() {
    return kind == Kind.FLOAT;
  }

  public boolean isInteger() {
    return kind == Kind.SIGNED || kind == Kind.UNSIGNED;
  }

  public boolean isSigned() {
    return kind == Kind.SIGNED || kind == Kind.FLOAT;
  }

  /** Integers, floats and bool: anything with a numeric value. */
  public boolean isNumeric() {
    return kind != Kind.STRING && kind != Kind.COMPLEX;
  }

  @Override
  public String toString() {
    return displayName;
  }
}
