package dev.ledge.tensor;

import dev.ledge.LedgeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major tensor: an element type, a shape and the elements in a Java array (or, when
 * wrapping caller memory, a {@link MemorySegment}).
 *
 * <p>Elements live in the array of the type's {@link DType.Storage} starting at {@link #offset()}:
 * {@code float[]} for float32, {@code short[]} for float16/bfloat16/int16/uint16 (raw bits), {@code
 * byte[]} for 8-bit types, bool (0/1) and packed 4- and 2-bit types (low bits first, offset 0),
 * {@code int[]} for int32/uint32, {@code long[]} for int64/uint64, {@code double[]} for float64,
 * {@code String[]} for strings. Unsigned values keep their bit patterns.
 *
 * <p>Wrapping ({@link #wrap(float[], int...)} and friends, {@link #wrap(DType, MemorySegment,
 * int...)}) never copies. Kernels work on arrays; the runtime copies segment-backed inputs that are
 * not heap arrays into its own buffers. The shape is immutable; the elements are not.
 */
public final class Tensor {
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  private final DType dtype;
  private final int[] shape;
  private final int size;
  private final Object data;
  private final int offset;

  private Tensor(DType dtype, int[] shape, int size, Object data, int offset) {
    this.dtype = dtype;
    this.shape = shape;
    this.size = size;
    this.data = data;
    this.offset = offset;
  }

  // ---- creation -------------------------------------------------------------------------------

  /** A zero-filled tensor (empty strings for string tensors). Checks the size before allocating. */
  public static Tensor allocate(DType dtype, int... shape) {
    int[] s = shape.clone();
    int n = Shapes.size(s);
    return new Tensor(dtype, s, n, newStorage(dtype, n), 0);
  }

  /** A zero-filled tensor with dims given as longs (validated). */
  public static Tensor allocate(DType dtype, long[] shape) {
    return allocate(dtype, Shapes.toInts(shape));
  }

  /**
   * Wraps an existing storage array without copying. The array must be of the dtype's storage class
   * and hold at least {@code offset + slots} entries.
   */
  public static Tensor wrap(DType dtype, Object array, int offset, int... shape) {
    Objects.requireNonNull(array, "array");
    if (array.getClass() != dtype.storage().arrayClass()) {
      throw new LedgeException(
          "cannot wrap a "
              + array.getClass().getSimpleName()
              + " as "
              + dtype
              + ": expected "
              + dtype.storage().arrayClass().getSimpleName());
    }
    int[] s = shape.clone();
    int n = Shapes.size(s);
    long slots = dtype.slotsFor(n);
    int length = java.lang.reflect.Array.getLength(array);
    if (offset < 0 || (dtype.packed() && offset != 0) || offset + slots > length) {
      throw new LedgeException(
          "array of length "
              + length
              + " at offset "
              + offset
              + " cannot hold "
              + dtype
              + " tensor of shape "
              + Arrays.toString(s)
              + " ("
              + slots
              + " slots)");
    }
    return new Tensor(dtype, s, n, array, offset);
  }

  public static Tensor wrap(float[] data, int... shape) {
    return wrap(DType.FLOAT32, data, 0, shape);
  }

  public static Tensor wrap(double[] data, int... shape) {
    return wrap(DType.FLOAT64, data, 0, shape);
  }

  public static Tensor wrap(int[] data, int... shape) {
    return wrap(DType.INT32, data, 0, shape);
  }

  public static Tensor wrap(long[] data, int... shape) {
    return wrap(DType.INT64, data, 0, shape);
  }

  public static Tensor wrap(String[] data, int... shape) {
    return wrap(DType.STRING, data, 0, shape);
  }

  /**
   * Wraps a memory segment (little-endian elements, packed as ONNX raw data) without copying. A
   * heap segment over an array of the dtype's storage class is wrapped as that array.
   */
  public static Tensor wrap(DType dtype, MemorySegment segment, int... shape) {
    if (dtype == DType.STRING) {
      throw new LedgeException("string tensors cannot wrap a memory segment");
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new LedgeException("memory segments are read as little-endian; this CPU is not");
    }
    int[] s = shape.clone();
    int n = Shapes.size(s);
    long bytes = dtype.bytesFor(n);
    if (segment.byteSize() < bytes) {
      throw new LedgeException(
          "memory segment of "
              + segment.byteSize()
              + " bytes cannot hold "
              + dtype
              + " tensor of shape "
              + Arrays.toString(s)
              + " ("
              + bytes
              + " bytes)");
    }
    Object base = segment.heapBase().orElse(null);
    if (base != null && base.getClass() == dtype.storage().arrayClass()) {
      long unit = dtype.storage().slotBytes();
      long off = segment.address();
      if (off % unit == 0 && !(dtype.packed() && off != 0)) {
        return wrap(dtype, base, (int) (off / unit), s);
      }
    }
    return new Tensor(dtype, s, n, segment, 0);
  }

  /** A float32 scalar (rank 0). */
  public static Tensor scalar(float v) {
    return wrap(new float[] {v});
  }

  /** An int64 scalar (rank 0). */
  public static Tensor scalar(long v) {
    return wrap(new long[] {v});
  }

  /** A 1-D int64 tensor. */
  public static Tensor ofLongs(long... values) {
    return wrap(values.clone(), values.length);
  }

  /** A 1-D float32 tensor. */
  public static Tensor ofFloats(float... values) {
    return wrap(values.clone(), values.length);
  }

  private static Object newStorage(DType dtype, int n) {
    long slots = dtype.slotsFor(n);
    if (slots > Shapes.MAX_ELEMENTS) {
      throw new LedgeException(dtype + " tensor of " + n + " elements is too large");
    }
    long bytes = dtype.bytesFor(n);
    long limit = Runtime.getRuntime().maxMemory() / 2;
    if (bytes > limit) {
      throw new LedgeException(
          dtype
              + " tensor of "
              + n
              + " elements needs "
              + bytes
              + " bytes, more than half the"
              + " maximum heap ("
              + limit
              + " bytes); raise -Xmx or check the model's shapes");
    }
    int k = (int) slots;
    return switch (dtype.storage()) {
      case FLOAT -> new float[k];
      case DOUBLE -> new double[k];
      case BYTE -> new byte[k];
      case SHORT -> new short[k];
      case INT -> new int[k];
      case LONG -> new long[k];
      case STRING -> {
        String[] a = new String[k];
        Arrays.fill(a, "");
        yield a;
      }
    };
  }

  // ---- shape ----------------------------------------------------------------------------------

  public DType dtype() {
    return dtype;
  }

  /** A copy of the dims. */
  public int[] shape() {
    return shape.clone();
  }

  /** The dims as longs (ONNX convention). */
  public long[] longShape() {
    return Shapes.toLongs(shape);
  }

  public int rank() {
    return shape.length;
  }

  /** Dim {@code i}; negative {@code i} counts from the end. */
  public int dim(int i) {
    return shape[i < 0 ? i + shape.length : i];
  }

  /** Element count. */
  public int size() {
    return size;
  }

  public boolean hasShape(int... dims) {
    return Arrays.equals(shape, dims);
  }

  /** True if {@code other} has the same dims (without copying either shape). */
  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  /** A tensor with the same elements and a new shape of the same size: a view, no copy. */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int n = Shapes.size(s);
    if (n != size) {
      throw new LedgeException(
          "cannot reshape "
              + this
              + " ("
              + size
              + " elements) to "
              + Arrays.toString(s)
              + " ("
              + n
              + " elements)");
    }
    return new Tensor(dtype, s, n, data, offset);
  }

  // ---- raw storage ----------------------------------------------------------------------------

  /** True if the elements are in a Java array (always true except for wrapped native segments). */
  public boolean isArrayBacked() {
    return !(data instanceof MemorySegment);
  }

  /** Index of element 0 in the storage array. */
  public int offset() {
    return offset;
  }

  /** The storage array (see the class comment for its type). */
  public Object array() {
    requireArray();
    return data;
  }

  public float[] floats() {
    return (float[]) typed(DType.Storage.FLOAT);
  }

  public double[] doubles() {
    return (double[]) typed(DType.Storage.DOUBLE);
  }

  public byte[] bytes() {
    return (byte[]) typed(DType.Storage.BYTE);
  }

  public short[] shorts() {
    return (short[]) typed(DType.Storage.SHORT);
  }

  public int[] ints() {
    return (int[]) typed(DType.Storage.INT);
  }

  public long[] longs() {
    return (long[]) typed(DType.Storage.LONG);
  }

  public String[] strings() {
    return (String[]) typed(DType.Storage.STRING);
  }

  private Object typed(DType.Storage storage) {
    if (dtype.storage() != storage) {
      throw new LedgeException(
          "tensor "
              + this
              + " is stored as "
              + dtype.storage().arrayClass().getSimpleName()
              + ", not "
              + storage.arrayClass().getSimpleName());
    }
    requireArray();
    return data;
  }

  private void requireArray() {
    if (data instanceof MemorySegment) {
      throw new LedgeException(
          "tensor " + this + " wraps a native memory segment; call toHeap() for array access");
    }
  }

  /** The segment this tensor wraps, or null if it is array-backed. */
  public MemorySegment segment() {
    return data instanceof MemorySegment m ? m : null;
  }

  /** This tensor if array-backed, else an array-backed copy. */
  public Tensor toHeap() {
    if (isArrayBacked()) {
      return this;
    }
    Tensor t = allocate(dtype, shape);
    t.copyFrom(this);
    return t;
  }

  /** A deep copy with its own array. */
  public Tensor copy() {
    Tensor t = allocate(dtype, shape);
    t.copyFrom(this);
    return t;
  }

  /** Copies all elements of {@code src} (same dtype and size) into this tensor. */
  public void copyFrom(Tensor src) {
    if (src.dtype != dtype || src.size != size) {
      throw new LedgeException("cannot copy " + src + " into " + this + ": dtype or size differs");
    }
    long slots = dtype.slotsFor(size);
    if (isArrayBacked() && src.isArrayBacked()) {
      System.arraycopy(src.data, src.offset, data, offset, (int) slots);
      return;
    }
    long bytes = dtype.bytesFor(size);
    MemorySegment from = src.asSegment();
    MemorySegment to = asSegment();
    MemorySegment.copy(from, 0, to, 0, bytes);
  }

  private MemorySegment asSegment() {
    if (data instanceof MemorySegment m) {
      return m;
    }
    MemorySegment whole =
        switch (dtype.storage()) {
          case FLOAT -> MemorySegment.ofArray((float[]) data);
          case DOUBLE -> MemorySegment.ofArray((double[]) data);
          case BYTE -> MemorySegment.ofArray((byte[]) data);
          case SHORT -> MemorySegment.ofArray((short[]) data);
          case INT -> MemorySegment.ofArray((int[]) data);
          case LONG -> MemorySegment.ofArray((long[]) data);
          case STRING -> throw new LedgeException("string tensors have no memory segment view");
        };
    return whole.asSlice((long) offset * dtype.storage().slotBytes());
  }

  // ---- element access (reference kernels, tests, I/O) -----------------------------------------

  /** Element {@code i} (row-major) as a double, for every numeric dtype. */
  public double getDouble(int i) {
    return switch (dtype) {
      case FLOAT32 -> getFloat(i);
      case FLOAT64 -> data instanceof double[] a ? a[offset + i] : segment().getAtIndex(DOUBLE, i);
      case UINT64 -> unsignedToDouble(getLong(i));
      case FLOAT16,
          BFLOAT16,
          FLOAT8E4M3FN,
          FLOAT8E4M3FNUZ,
          FLOAT8E5M2,
          FLOAT8E5M2FNUZ,
          FLOAT4E2M1,
          FLOAT8E8M0 ->
          FloatFormats.toFloat(dtype, rawBits(i));
      case STRING, COMPLEX64, COMPLEX128 -> throw notNumeric();
      default -> getLong(i);
    };
  }

  /** Element {@code i} as a float (integers convert, float64 rounds). */
  public float getFloat(int i) {
    if (dtype == DType.FLOAT32) {
      return data instanceof float[] a ? a[offset + i] : segment().getAtIndex(FLOAT, i);
    }
    return (float) getDouble(i);
  }

  /**
   * Element {@code i} as a long: exact for integer and bool types (uint64 as its bit pattern);
   * floating-point values are truncated toward zero.
   */
  public long getLong(int i) {
    return switch (dtype) {
      case INT8 -> (byte) rawBits(i);
      case UINT8 -> rawBits(i) & 0xFF;
      case BOOL -> rawBits(i) != 0 ? 1 : 0;
      case INT16 -> (short) rawBits(i);
      case UINT16 -> rawBits(i) & 0xFFFF;
      case INT32 -> data instanceof int[] a ? a[offset + i] : segment().getAtIndex(INT, i);
      case UINT32 ->
          Integer.toUnsignedLong(
              data instanceof int[] a ? a[offset + i] : segment().getAtIndex(INT, i));
      case INT64, UINT64 ->
          data instanceof long[] a ? a[offset + i] : segment().getAtIndex(LONG, i);
      case INT4 -> (rawBits(i) << 28) >> 28;
      case UINT4 -> rawBits(i);
      case INT2 -> (rawBits(i) << 30) >> 30;
      case UINT2 -> rawBits(i);
      case STRING, COMPLEX64, COMPLEX128 -> throw notNumeric();
      default -> (long) getDouble(i);
    };
  }

  public boolean getBoolean(int i) {
    return dtype == DType.BOOL ? rawBits(i) != 0 : getDouble(i) != 0;
  }

  public String getString(int i) {
    return strings()[offset + i];
  }

  /** Sets element {@code i} from a double (integers: truncation then wrap to the type's width). */
  public void setDouble(int i, double v) {
    switch (dtype) {
      case FLOAT32 -> setFloat(i, (float) v);
      case FLOAT64 -> {
        if (data instanceof double[] a) {
          a[offset + i] = v;
        } else {
          segment().setAtIndex(DOUBLE, i, v);
        }
      }
      case FLOAT16,
          BFLOAT16,
          FLOAT8E4M3FN,
          FLOAT8E4M3FNUZ,
          FLOAT8E5M2,
          FLOAT8E5M2FNUZ,
          FLOAT4E2M1,
          FLOAT8E8M0 ->
          setRawBits(i, FloatFormats.fromFloat(dtype, (float) v, true));
      case BOOL -> setRawBits(i, v != 0 ? 1 : 0);
      case STRING, COMPLEX64, COMPLEX128 -> throw notNumeric();
      default -> setLong(i, (long) v);
    }
  }

  public void setFloat(int i, float v) {
    if (dtype == DType.FLOAT32) {
      if (data instanceof float[] a) {
        a[offset + i] = v;
      } else {
        segment().setAtIndex(FLOAT, i, v);
      }
    } else {
      setDouble(i, v);
    }
  }

  /** Sets element {@code i} from a long, wrapping to the type's width (bool: nonzero is true). */
  public void setLong(int i, long v) {
    switch (dtype) {
      case INT8, UINT8, INT16, UINT16, INT4, UINT4, INT2, UINT2 -> setRawBits(i, (int) v);
      case BOOL -> setRawBits(i, v != 0 ? 1 : 0);
      case INT32, UINT32 -> {
        if (data instanceof int[] a) {
          a[offset + i] = (int) v;
        } else {
          segment().setAtIndex(INT, i, (int) v);
        }
      }
      case INT64, UINT64 -> {
        if (data instanceof long[] a) {
          a[offset + i] = v;
        } else {
          segment().setAtIndex(LONG, i, v);
        }
      }
      case STRING, COMPLEX64, COMPLEX128 -> throw notNumeric();
      default -> setDouble(i, (double) v);
    }
  }

  public void setBoolean(int i, boolean v) {
    setLong(i, v ? 1 : 0);
  }

  public void setString(int i, String v) {
    strings()[offset + i] = Objects.requireNonNull(v);
  }

  /**
   * The raw encoding of element {@code i} for types of at most 16 bits (float16/bfloat16 bits,
   * float8 codes, unsigned 4- and 2-bit fields), zero-extended.
   */
  public int rawBits(int i) {
    DType.Storage st = dtype.storage();
    if (st == DType.Storage.SHORT) {
      return (data instanceof short[] a ? a[offset + i] : segment().getAtIndex(SHORT, i)) & 0xFFFF;
    }
    if (st != DType.Storage.BYTE) {
      throw new LedgeException("rawBits is for types of 16 bits or fewer, not " + dtype);
    }
    if (dtype.packed()) {
      int per = dtype.elementsPerSlot();
      int b = byteAt(i / per) & 0xFF;
      int shift = (i % per) * dtype.bits();
      return (b >>> shift) & ((1 << dtype.bits()) - 1);
    }
    return byteAt(i) & 0xFF;
  }

  /** Sets the raw encoding of element {@code i} (see {@link #rawBits}). */
  public void setRawBits(int i, int bits) {
    DType.Storage st = dtype.storage();
    if (st == DType.Storage.SHORT) {
      if (data instanceof short[] a) {
        a[offset + i] = (short) bits;
      } else {
        segment().setAtIndex(SHORT, i, (short) bits);
      }
      return;
    }
    if (st != DType.Storage.BYTE) {
      throw new LedgeException("setRawBits is for types of 16 bits or fewer, not " + dtype);
    }
    if (dtype.packed()) {
      int per = dtype.elementsPerSlot();
      int shift = (i % per) * dtype.bits();
      int mask = ((1 << dtype.bits()) - 1) << shift;
      int old = byteAt(i / per) & 0xFF;
      setByteAt(i / per, (byte) ((old & ~mask) | ((bits << shift) & mask)));
    } else {
      setByteAt(i, (byte) bits);
    }
  }

  private byte byteAt(int slot) {
    return data instanceof byte[] a ? a[offset + slot] : segment().get(ValueLayout.JAVA_BYTE, slot);
  }

  private void setByteAt(int slot, byte v) {
    if (data instanceof byte[] a) {
      a[offset + slot] = v;
    } else {
      segment().set(ValueLayout.JAVA_BYTE, slot, v);
    }
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return v >= 0 ? (double) v : d + (v & 1);
  }

  private LedgeException notNumeric() {
    return new LedgeException("tensor " + this + " has no numeric elements");
  }

  // ---- misc -----------------------------------------------------------------------------------

  /** A float32 copy of all elements (convenience for tests and tools). */
  public float[] toFloatArray() {
    float[] r = new float[size];
    for (int i = 0; i < size; i++) {
      r[i] = getFloat(i);
    }
    return r;
  }

  /** An int64 copy of all elements (integer and bool types). */
  public long[] toLongArray() {
    long[] r = new long[size];
    for (int i = 0; i < size; i++) {
      r[i] = getLong(i);
    }
    return r;
  }

  @Override
  public String toString() {
    return "Tensor(" + dtype + ", " + Arrays.toString(shape) + ")";
  }
}
