package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * DepthToSpace and SpaceToDepth on NCHW tensors with block size b: a reshape to 6-D, a transpose
 * and a reshape back. DepthToSpace moves channel blocks into b x b spatial blocks, in "DCR" order
 * (depth-column-row, default) or "CRD" (opset 11); SpaceToDepth is the inverse of DCR.
 */
final class DepthSpaceOp implements Operator {
  private final boolean toSpace;

  DepthSpaceOp(boolean toSpace) {
    this.toSpace = toSpace;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    long bs = ctx.requireAttr("blocksize").asInt();
    if (bs < 1 || bs > 46340) {
      throw ctx.error("attribute 'blocksize' is " + bs + ", expected a positive value");
    }
    int b = (int) bs;
    String mode = toSpace ? ctx.attrString("mode", "DCR") : "DCR";
    if (!mode.equals("DCR") && !mode.equals("CRD")) {
      throw ctx.error("attribute 'mode' is \"" + mode + "\", expected DCR or CRD");
    }
    boolean crd = mode.equals("CRD");
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      if (in.rank() != 4) {
        throw ctx.error("input must be 4-D (N, C, H, W), got " + in);
      }
      int[] dims = Args.dims(in);
      if (dims != null) {
        out = Shape.of(outShape(dims, b, ctx::error));
      } else {
        Dim n = in.dim(0);
        Dim c = in.dim(1);
        Dim h = in.dim(2);
        Dim w = in.dim(3);
        long f = toSpace ? -1 : (long) b * b;
        out =
            new Shape(
                List.of(
                    n,
                    c.isKnown()
                        ? Dim.of(toSpace ? c.value() / ((long) b * b) : c.value() * f)
                        : Dim.unknown(),
                    h.isKnown() ? Dim.of(toSpace ? h.value() * b : h.value() / b) : Dim.unknown(),
                    w.isKnown() ? Dim.of(toSpace ? w.value() * b : w.value() / b) : Dim.unknown()));
      }
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      if (s.length != 4) {
        throw exec.error("input must be 4-D (N, C, H, W), got " + x);
      }
      int[] o = outShape(s, b, exec::error);
      int n = s[0];
      int c = s[1];
      int h = s[2];
      int w = s[3];
      int[] view;
      int[] perm;
      if (toSpace) {
        int cb = c / (b * b);
        view = crd ? new int[] {n, cb, b, b, h, w} : new int[] {n, b, b, cb, h, w};
        perm = crd ? new int[] {0, 1, 4, 2, 5, 3} : new int[] {0, 3, 4, 1, 5, 2};
      } else {
        view = new int[] {n, c, h / b, b, w / b, b};
        perm = new int[] {0, 3, 5, 1, 2, 4};
      }
      int[] st = Shapes.strides(view);
      int[] vo = new int[6];
      int[][] tables = new int[6][];
      for (int i = 0; i < 6; i++) {
        vo[i] = view[perm[i]];
        tables[i] = OffsetCopy.strided(vo[i], 0, st[perm[i]]);
      }
      Tensor y = exec.output(0, x.dtype(), o);
      OffsetCopy.run(x, tables, vo, y, null);
    };
  }

  private int[] outShape(int[] s, int b, Args.Errors err) {
    int bb = b * b;
    if (toSpace) {
      if (s[1] % bb != 0) {
        throw err.error("channels " + s[1] + " are not divisible by blocksize^2 = " + bb);
      }
      return new int[] {
        s[0],
        s[1] / bb,
        Args.dim((long) s[2] * b, "output height", err),
        Args.dim((long) s[3] * b, "output width", err)
      };
    }
    if (s[2] % b != 0 || s[3] % b != 0) {
      throw err.error(
          "height " + s[2] + " and width " + s[3] + " must be divisible by blocksize " + b);
    }
    return new int[] {s[0], Args.dim((long) s[1] * bb, "output channels", err), s[2] / b, s[3] / b};
  }
}
