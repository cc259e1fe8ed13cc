package dev.ledge.train.data;

import dev.ledge.data.DataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE files of 16-bit integer PCM, mono or stereo (plain {@code WAVE_FORMAT_PCM} or
 * {@code WAVE_FORMAT_EXTENSIBLE} with the PCM sub-format). Anything else is a clear error rather
 * than a guess.
 */
public final class WavReader {
  private static final int PCM = 1;
  private static final int EXTENSIBLE = 0xFFFE;

  private WavReader() {}

  /**
   * Decoded audio.
   *
   * @param sampleRate frames per second
   * @param channels 1 or 2
   * @param samples interleaved samples scaled to [-1, 1): {@code frames * channels} values
   */
  public record Audio(int sampleRate, int channels, float[] samples) {
    /** Number of frames (samples per channel). */
    public int frames() {
      return samples.length / channels;
    }

    /** One channel: the mean of the channels. */
    public float[] mono() {
      if (channels == 1) {
        return samples.clone();
      }
      float[] m = new float[frames()];
      for (int i = 0; i < m.length; i++) {
        float s = 0;
        for (int c = 0; c < channels; c++) {
          s += samples[i * channels + c];
        }
        m[i] = s / channels;
      }
      return m;
    }
  }

  /** Reads a WAV file. */
  public static Audio read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataException("WAV file " + file + " does not exist");
    } catch (IOException e) {
      throw new DataException("cannot read WAV file " + file + ": " + e.getMessage(), e);
    }
    return read(bytes, file.toString());
  }

  /** Decodes WAV bytes; {@code what} names the source in messages. */
  public static Audio read(byte[] bytes, String what) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new DataException(what + " is not a RIFF/WAVE file");
    }
    int pos = 12;
    int format = -1;
    int channels = 0;
    int rate = 0;
    int bits = 0;
    int dataAt = -1;
    int dataLen = 0;
    while (pos + 8 <= bytes.length) {
      int id = b.getInt(pos);
      long len = Integer.toUnsignedLong(b.getInt(pos + 4));
      int body = pos + 8;
      if (id == 0x20746d66) { // "fmt "
        if (len < 16 || body + 16 > bytes.length) {
          throw new DataException(what + ": truncated fmt chunk");
        }
        format = b.getShort(body) & 0xFFFF;
        channels = b.getShort(body + 2) & 0xFFFF;
        rate = b.getInt(body + 4);
        bits = b.getShort(body + 14) & 0xFFFF;
        if (format == EXTENSIBLE) {
          if (len < 40 || body + 26 > bytes.length) {
            throw new DataException(what + ": truncated WAVE_FORMAT_EXTENSIBLE fmt chunk");
          }
          format = b.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
        }
      } else if (id == 0x61746164) { // "data"
        dataAt = body;
        // Streams written before their length was known put 0 or 0xFFFFFFFF here.
        dataLen = (int) Math.min(len, bytes.length - body);
        break;
      }
      pos = (int) Math.min((long) bytes.length, body + len + (len & 1));
    }
    if (format < 0) {
      throw new DataException(what + ": no fmt chunk");
    }
    if (format != PCM || bits != 16) {
      throw new DataException(
          what
              + ": only 16-bit integer PCM is supported, file has format "
              + format
              + " with "
              + bits
              + " bits per sample");
    }
    if (channels != 1 && channels != 2) {
      throw new DataException(what + ": " + channels + " channels; only mono and stereo are read");
    }
    if (rate <= 0) {
      throw new DataException(what + ": sample rate " + rate);
    }
    if (dataAt < 0) {
      throw new DataException(what + ": no data chunk");
    }
    int frames = dataLen / (2 * channels);
    float[] s = new float[frames * channels];
    for (int i = 0; i < s.length; i++) {
      s[i] = b.getShort(dataAt + 2 * i) / 32768f;
    }
    return new Audio(rate, channels, s);
  }

  /** Encodes 16-bit PCM WAV bytes (for tests and tools); samples are clipped to [-1, 1]. */
  public static byte[] encode(int sampleRate, int channels, float[] samples) {
    ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46464952).putInt(36 + 2 * samples.length).putInt(0x45564157);
    b.putInt(0x20746d66).putInt(16).putShort((short) PCM).putShort((short) channels);
    b.putInt(sampleRate).putInt(sampleRate * channels * 2).putShort((short) (channels * 2));
    b.putShort((short) 16);
    b.putInt(0x61746164).putInt(2 * samples.length);
    for (float v : samples) {
      float c = Math.max(-1f, Math.min(1f, v));
      b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(c * 32768f))));
    }
    return b.array();
  }
}
