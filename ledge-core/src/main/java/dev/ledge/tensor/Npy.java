package dev.ledge.tensor;

import dev.ledge.LedgeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1-3): little- and big-endian numbers,
 * bool, fixed-width unicode strings ({@code <U}), C or Fortran order. Writes are little-endian, C
 * order, version 1 (or 2 for huge headers), to a temporary file renamed into place.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a tensor from an .npy file. */
  public static Tensor read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), Files.size(file));
    } catch (NoSuchFileException e) {
      throw new LedgeException("npy file " + file + " does not exist");
    } catch (IOException e) {
      throw new LedgeException("cannot read npy file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a tensor from an .npy stream of at most {@code available} bytes (for size checks). */
  public static Tensor read(InputStream in, String what, long available) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !startsWithMagic(magic)) {
      throw new LedgeException(what + " is not a NumPy .npy file (bad magic)");
    }
    int major = magic[6];
    int headerLen;
    if (major == 1) {
      byte[] l = in.readNBytes(2);
      if (l.length < 2) {
        throw new LedgeException(what + ": truncated .npy header");
      }
      headerLen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
    } else if (major == 2 || major == 3) {
      byte[] l = in.readNBytes(4);
      if (l.length < 4) {
        throw new LedgeException(what + ": truncated .npy header");
      }
      headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
    } else {
      throw new LedgeException(what + ": unsupported .npy format version " + major);
    }
    if (headerLen < 0 || headerLen > 1 << 20) {
      throw new LedgeException(what + ": .npy header length " + headerLen + " is implausible");
    }
    byte[] hb = in.readNBytes(headerLen);
    if (hb.length < headerLen) {
      throw new LedgeException(what + ": truncated .npy header");
    }
    String header =
        new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, what, "descr");
    boolean fortran = group(FORTRAN, header, what, "fortran_order").equals("True");
    int[] shape = parseShape(group(SHAPE, header, what, "shape"), what);
    int n = Shapes.size(shape);

    char order = descr.charAt(0);
    String code = descr.substring(1);
    if (code.startsWith("U")) {
      int width = parseInt(code.substring(1), what);
      long bytes = 4L * width * n;
      checkAvailable(bytes, available, what);
      byte[] raw = readExactly(in, (int) bytes, what);
      ByteBuffer b =
          ByteBuffer.wrap(raw).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      String[] s = new String[n];
      for (int i = 0; i < n; i++) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < width; j++) {
          int cp = b.getInt();
          if (cp != 0) {
            sb.appendCodePoint(cp);
          }
        }
        s[i] = sb.toString();
      }
      return reorder(Tensor.wrap(s, fortran ? reversed(shape) : shape), fortran, shape);
    }
    DType dtype = dtypeOf(code, what);
    long bytes = dtype.bytesFor(n);
    checkAvailable(bytes, available, what);
    byte[] raw = readExactly(in, (int) bytes, what);
    ByteBuffer b =
        ByteBuffer.wrap(raw).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int[] storedShape = fortran ? reversed(shape) : shape;
    Tensor t = Tensor.allocate(dtype, storedShape);
    switch (dtype.storage()) {
      case FLOAT -> b.asFloatBuffer().get(t.floats());
      case DOUBLE -> b.asDoubleBuffer().get(t.doubles());
      case BYTE -> b.get(t.bytes());
      case SHORT -> b.asShortBuffer().get(t.shorts());
      case INT -> b.asIntBuffer().get(t.ints());
      case LONG -> b.asLongBuffer().get(t.longs());
      case STRING -> throw new LedgeException(what + ": unexpected string storage");
    }
    return reorder(t, fortran, shape);
  }

  /** Fortran-order data is the C-order data of the reversed shape, transposed. */
  private static Tensor reorder(Tensor stored, boolean fortran, int[] shape) {
    if (!fortran || shape.length < 2) {
      return fortran ? stored.reshape(shape) : stored;
    }
    Tensor out = Tensor.allocate(stored.dtype(), shape);
    int[] outStrides = Shapes.strides(shape);
    int rank = shape.length;
    int n = out.size();
    int[] idx = new int[rank];
    for (int i = 0; i < n; i++) {
      // i walks the stored (reversed-shape) tensor in C order; idx holds the reversed index.
      int dst = 0;
      for (int d = 0; d < rank; d++) {
        dst += idx[rank - 1 - d] * outStrides[d];
      }
      copyElement(stored, i, out, dst);
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < shape[rank - 1 - d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return out;
  }

  private static void copyElement(Tensor from, int i, Tensor to, int j) {
    switch (from.dtype().storage()) {
      case STRING -> to.setString(j, from.getString(i));
      case FLOAT, DOUBLE -> to.setDouble(j, from.getDouble(i));
      default -> to.setLong(j, from.getLong(i));
    }
  }

  /** Writes a tensor as an .npy file (atomically). */
  public static void write(Path file, Tensor t) {
    Path abs = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        write(out, t);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LedgeException("cannot write npy file " + file + ": " + e.getMessage(), e);
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

  /** Writes a tensor in .npy format to a stream. */
  public static void write(OutputStream out, Tensor t) throws IOException {
    Tensor h = t.toHeap();
    String descr;
    int width = 0;
    if (h.dtype() == DType.STRING) {
      for (int i = 0; i < h.size(); i++) {
        width = Math.max(width, h.getString(i).codePointCount(0, h.getString(i).length()));
      }
      descr = "<U" + Math.max(width, 1);
      width = Math.max(width, 1);
    } else {
      descr = descrOf(h.dtype());
    }
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < h.rank(); i++) {
      shape.append(h.dim(i)).append(h.rank() == 1 ? "," : i + 1 < h.rank() ? ", " : "");
    }
    shape.append(')');
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int preamble = 10;
    int total = preamble + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    byte[] hb = header.getBytes(StandardCharsets.ISO_8859_1);
    boolean v2 = hb.length > 65535;
    out.write(MAGIC);
    out.write(v2 ? 2 : 1);
    out.write(0);
    if (v2) {
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(hb.length).array());
    } else {
      out.write(hb.length & 0xFF);
      out.write(hb.length >>> 8);
    }
    out.write(hb);
    if (h.dtype() == DType.STRING) {
      ByteBuffer b = ByteBuffer.allocate(4 * width).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < h.size(); i++) {
        b.clear();
        String s = h.getString(i);
        s.codePoints().forEach(b::putInt);
        while (b.hasRemaining()) {
          b.putInt(0);
        }
        out.write(b.array());
      }
      return;
    }
    int slots = (int) h.dtype().slotsFor(h.size());
    ByteBuffer b =
        ByteBuffer.allocate((int) h.dtype().bytesFor(h.size())).order(ByteOrder.LITTLE_ENDIAN);
    switch (h.dtype().storage()) {
      case FLOAT -> b.asFloatBuffer().put(h.floats(), h.offset(), slots);
      case DOUBLE -> b.asDoubleBuffer().put(h.doubles(), h.offset(), slots);
      case BYTE -> b.put(h.bytes(), h.offset(), slots);
      case SHORT -> b.asShortBuffer().put(h.shorts(), h.offset(), slots);
      case INT -> b.asIntBuffer().put(h.ints(), h.offset(), slots);
      case LONG -> b.asLongBuffer().put(h.longs(), h.offset(), slots);
      case STRING -> throw new IllegalStateException();
    }
    out.write(b.array());
  }

  private static String descrOf(DType t) {
    return switch (t) {
      case FLOAT32 -> "<f4";
      case FLOAT64 -> "<f8";
      case FLOAT16 -> "<f2";
      case INT8 -> "|i1";
      case UINT8 -> "|u1";
      case INT16 -> "<i2";
      case UINT16 -> "<u2";
      case INT32 -> "<i4";
      case UINT32 -> "<u4";
      case INT64 -> "<i8";
      case UINT64 -> "<u8";
      case BOOL -> "|b1";
      case COMPLEX64 -> "<c8";
      case COMPLEX128 -> "<c16";
      default -> throw new LedgeException("NumPy has no standard dtype for " + t);
    };
  }

  private static DType dtypeOf(String code, String what) {
    return switch (code) {
      case "f4" -> DType.FLOAT32;
      case "f8" -> DType.FLOAT64;
      case "f2" -> DType.FLOAT16;
      case "i1" -> DType.INT8;
      case "u1" -> DType.UINT8;
      case "i2" -> DType.INT16;
      case "u2" -> DType.UINT16;
      case "i4" -> DType.INT32;
      case "u4" -> DType.UINT32;
      case "i8" -> DType.INT64;
      case "u8" -> DType.UINT64;
      case "b1" -> DType.BOOL;
      case "c8" -> DType.COMPLEX64;
      case "c16" -> DType.COMPLEX128;
      default ->
          throw new LedgeException(
              what
                  + ": unsupported NumPy dtype '"
                  + code
                  + "' (expected f2/f4/f8, i1..i8, u1..u8, b1, c8, c16 or U)");
    };
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String group(Pattern p, String header, String what, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new LedgeException(what + ": .npy header has no '" + key + "': " + header.strip());
    }
    return m.group(1);
  }

  private static int[] parseShape(String s, String what) {
    List<Long> dims = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.strip();
      if (!p.isEmpty()) {
        try {
          dims.add(Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p));
        } catch (NumberFormatException e) {
          throw new LedgeException(what + ": bad shape entry '" + p + "' in .npy header");
        }
      }
    }
    long[] l = dims.stream().mapToLong(Long::longValue).toArray();
    return Shapes.toInts(l);
  }

  private static int parseInt(String s, String what) {
    try {
      int v = Integer.parseInt(s);
      if (v < 0 || v > 1 << 20) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new LedgeException(what + ": bad string width '" + s + "'");
    }
  }

  private static void checkAvailable(long bytes, long available, String what) {
    if (bytes > Integer.MAX_VALUE - 16 || (available >= 0 && bytes > available)) {
      throw new LedgeException(
          what
              + ": header promises "
              + bytes
              + " bytes of data but the file is only "
              + available
              + " bytes long");
    }
  }

  private static byte[] readExactly(InputStream in, int bytes, String what) throws IOException {
    byte[] raw = in.readNBytes(bytes);
    if (raw.length < bytes) {
      throw new LedgeException(
          what + ": truncated data: expected " + bytes + " bytes, got " + raw.length);
    }
    return raw;
  }

  private static int[] reversed(int[] s) {
    int[] r = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = s[s.length - 1 - i];
    }
    return r;
  }
}
