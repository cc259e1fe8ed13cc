package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Col2Im (opset 18): the inverse of im2col. The input {@code [N, C * prod(block_shape), L]} holds L
 * sliding blocks; each block's values are added into the image {@code [N, C, image_shape...]} at
 * its position (given {@code strides}, {@code dilations} and {@code pads = [begins..., ends...]});
 * overlapping values sum (in double precision, rounded once, for float types; integers wrap).
 */
final class Col2ImOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    ctx.requireInputType(1, DType.INT64);
    ctx.requireInputType(2, DType.INT64);
    DType dtype = ctx.inputDType(0);
    if (dtype != null && !ScatterReduction.supports(dtype)) {
      throw ctx.unsupported("Col2Im of " + dtype + " elements");
    }
    long[] dilationsAttr = ctx.attrInts("dilations", null);
    long[] padsAttr = ctx.attrInts("pads", null);
    long[] stridesAttr = ctx.attrInts("strides", null);
    ctx.setOutput(0, dtype, null);
    return exec -> {
      Tensor x = exec.input(0);
      long[] image = Args.vector(exec.input(1), "input 'image_shape'", exec::error);
      long[] block = Args.vector(exec.input(2), "input 'block_shape'", exec::error);
      int d = image.length;
      if (block.length != d || d == 0) {
        throw exec.error(
            "'image_shape' "
                + Arrays.toString(image)
                + " and 'block_shape' "
                + Arrays.toString(block)
                + " must have the same non-zero length");
      }
      long[] dil = orDefault(dilationsAttr, d, 1, "dilations", exec::error);
      long[] str = orDefault(stridesAttr, d, 1, "strides", exec::error);
      long[] pads = orDefault(padsAttr, 2 * d, 0, "pads", exec::error);
      int[] s = x.shape();
      if (s.length != 3) {
        throw exec.error("input must be 3-D [N, C * prod(block_shape), L], got " + x);
      }
      long blockSize = 1;
      long blocks = 1;
      long[] counts = new long[d];
      for (int i = 0; i < d; i++) {
        if (block[i] < 1 || image[i] < 0 || dil[i] < 1 || str[i] < 1) {
          throw exec.error(
              "invalid Col2Im geometry: image "
                  + Arrays.toString(image)
                  + ", block "
                  + Arrays.toString(block)
                  + ", dilations "
                  + Arrays.toString(dil)
                  + ", strides "
                  + Arrays.toString(str));
        }
        blockSize *= block[i];
        long span = dil[i] * (block[i] - 1) + 1;
        long room = image[i] + pads[i] + pads[i + d] - span;
        counts[i] = room < 0 ? 0 : room / str[i] + 1;
        blocks *= counts[i];
        if (blockSize > Integer.MAX_VALUE || blocks > Integer.MAX_VALUE) {
          throw exec.error("Col2Im geometry is too large");
        }
      }
      if (s[1] % blockSize != 0 || s[2] != blocks) {
        throw exec.error(
            "input "
                + x
                + " does not match "
                + blockSize
                + " values per block and "
                + blocks
                + " blocks");
      }
      int n = s[0];
      int c = (int) (s[1] / blockSize);
      if ((long) n * c > Integer.MAX_VALUE) {
        throw exec.error("input " + x + " has too many images");
      }
      int[] o = new int[2 + d];
      o[0] = n;
      o[1] = c;
      for (int i = 0; i < d; i++) {
        o[2 + i] = Args.dim(image[i], "image dim " + i, exec::error);
      }
      int imageSize = Args.size(o, exec::error) / Math.max(1, n * c);
      if (n * c == 0) {
        imageSize = 0;
      }
      boolean isFloat = x.dtype().isFloatingPoint();
      double[] accD = isFloat ? new double[imageSize] : null;
      long[] accL = isFloat ? null : new long[imageSize];
      Tensor y = exec.output(0, x.dtype(), o);
      int[] kIdx = new int[d];
      int[] lIdx = new int[d];
      for (int img = 0; img < n * c; img++) {
        if (isFloat) {
          Arrays.fill(accD, 0);
        } else {
          Arrays.fill(accL, 0);
        }
        int rowBase = img * (int) blockSize * (int) blocks; // (n, c) rows are consecutive
        for (int k = 0; k < blockSize; k++) {
          decompose(k, block, kIdx);
          for (int l = 0; l < blocks; l++) {
            decompose(l, counts, lIdx);
            int pos = 0;
            boolean inside = true;
            for (int i = 0; i < d && inside; i++) {
              long coord = lIdx[i] * str[i] - pads[i] + kIdx[i] * dil[i];
              inside = coord >= 0 && coord < image[i];
              pos = (int) (pos * image[i] + coord);
            }
            if (!inside) {
              continue;
            }
            int src = rowBase + k * (int) blocks + l;
            if (isFloat) {
              accD[pos] += x.getDouble(src);
            } else {
              accL[pos] += x.getLong(src);
            }
          }
        }
        for (int p = 0; p < imageSize; p++) {
          int at = img * imageSize + p;
          if (!isFloat) {
            y.setLong(at, accL[p]);
          } else if (x.dtype() == DType.FLOAT32 || x.dtype() == DType.FLOAT64) {
            y.setDouble(at, accD[p]);
          } else {
            y.setRawBits(at, ExactRounding.smallFromDouble(x.dtype(), accD[p], true, "up"));
          }
        }
      }
    };
  }

  /** Row-major digits of {@code v} in the mixed radix {@code dims}. */
  private static void decompose(int v, long[] dims, int[] out) {
    for (int i = dims.length - 1; i >= 0; i--) {
      out[i] = (int) (v % dims[i]);
      v /= (int) dims[i];
    }
  }

  private static long[] orDefault(long[] v, int n, long def, String name, Args.Errors err) {
    if (v == null) {
      long[] r = new long[n];
      Arrays.fill(r, def);
      return r;
    }
    if (v.length != n) {
      throw err.error(
          "attribute '" + name + "' " + Arrays.toString(v) + " must have " + n + " entries");
    }
    return v;
  }
}
