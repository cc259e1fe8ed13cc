package dev.ledge.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Extracts selected regular files from a gzip-compressed tar archive (ustar and GNU long names),
 * which is the format of npm package tarballs. Only the requested files are written, so a hostile
 * archive cannot place files elsewhere.
 */
final class TarGzExtractor {
  private static final int BLOCK = 512;

  private TarGzExtractor() {}

  /**
   * Writes each wanted entry (path inside the archive, after stripping {@code stripPrefix}) to
   * {@code dest/path}. Returns the set of wanted paths found.
   */
  static Set<String> extract(Path archive, String stripPrefix, Set<String> wanted, Path dest)
      throws IOException {
    Set<String> found = new HashSet<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
      byte[] header = new byte[BLOCK];
      String longName = null;
      while (true) {
        if (!readFully(in, header)) {
          break;
        }
        if (isZero(header)) {
          break;
        }
        String name = longName != null ? longName : headerName(header);
        longName = null;
        long size = parseOctal(header, 124, 12);
        byte type = header[156];
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (type == 'L') { // GNU long name: the next entry's name is this entry's data
          if (size > 1 << 16) {
            throw new IOException("tar long name of " + size + " bytes in " + archive);
          }
          byte[] data = in.readNBytes((int) padded);
          longName = cString(data, 0, (int) size);
          continue;
        }
        String path = name.startsWith("./") ? name.substring(2) : name;
        if ((type == '0' || type == 0) && path.startsWith(stripPrefix)) {
          String rel = path.substring(stripPrefix.length());
          if (wanted.contains(rel)) {
            Path target = dest.resolve(rel);
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
              copy(in, out, size);
            }
            skip(in, padded - size);
            found.add(rel);
            continue;
          }
        }
        skip(in, padded);
      }
    }
    return found;
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    String prefix = cString(h, 345, 155);
    boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    return ustar && !prefix.isEmpty() ? prefix + "/" + name : name;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long parseOctal(byte[] b, int off, int len) throws IOException {
    long v = 0;
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (c == 0 || c == ' ') {
        if (v > 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IOException("corrupt tar header: bad size field");
      }
      v = v * 8 + (c - '0');
    }
    return v;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean readFully(InputStream in, byte[] buf) throws IOException {
    int n = in.readNBytes(buf, 0, buf.length);
    if (n == 0) {
      return false;
    }
    if (n < buf.length) {
      throw new EOFException("truncated tar archive");
    }
    return true;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException("truncated tar archive");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated tar archive");
        }
        s = 1;
      }
      left -= s;
    }
  }
}
