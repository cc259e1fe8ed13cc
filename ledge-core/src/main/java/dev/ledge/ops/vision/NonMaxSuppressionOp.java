package dev.ledge.ops.vision;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * NonMaxSuppression (opsets 10, 11): per batch and class, greedily selects boxes by descending
 * score (ties: lower box index first), dropping boxes whose IoU with an already selected box
 * exceeds {@code iou_threshold}; boxes must score strictly above {@code score_threshold} when it is
 * given. Output rows are (batch, class, box) in selection order.
 *
 * <p>IoU is computed in float32 in the same order as the ONNX reference and ONNX Runtime, so
 * boundary cases (IoU equal to the threshold) decide the same way.
 */
final class NonMaxSuppressionOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 10) {
      throw ctx.error(
          "NonMaxSuppression exists from opset 10, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(2, 5);
    ctx.requireInputType(0, DType.FLOAT32);
    ctx.requireInputType(1, DType.FLOAT32);
    if (ctx.hasInput(2)) {
      ctx.requireInputType(2, DType.INT64);
    }
    if (ctx.hasInput(3)) {
      ctx.requireInputType(3, DType.FLOAT32);
    }
    if (ctx.hasInput(4)) {
      ctx.requireInputType(4, DType.FLOAT32);
    }
    long cpb = ctx.attrInt("center_point_box", 0);
    if (cpb != 0 && cpb != 1) {
      throw ctx.error("center_point_box is " + cpb + ", expected 0 or 1");
    }
    Shape bs = ctx.inputShape(0);
    Shape ss = ctx.inputShape(1);
    if (bs != null && bs.rank() != 3) {
      throw ctx.error("boxes has rank " + bs.rank() + ", expected 3 (batches, boxes, 4)");
    }
    if (ss != null && ss.rank() != 3) {
      throw ctx.error("scores has rank " + ss.rank() + ", expected 3 (batches, classes, boxes)");
    }
    ctx.setOutput(0, DType.INT64, new Shape(List.of(Dim.unknown(), Dim.of(3))));
    boolean center = cpb == 1;
    return exec -> run(exec, center);
  }

  private static void run(ExecContext ctx, boolean center) {
    Tensor boxes = ctx.input(0);
    Tensor scores = ctx.input(1);
    int[] bs = boxes.shape();
    int[] ss = scores.shape();
    if (bs.length != 3 || bs[2] != 4 || ss.length != 3 || ss[0] != bs[0] || ss[2] != bs[1]) {
      throw ctx.error(
          "boxes has shape "
              + Arrays.toString(bs)
              + " and scores "
              + Arrays.toString(ss)
              + ", expected [batches, boxes, 4] and [batches, classes, boxes]");
    }
    long maxPerClass = 0;
    Tensor m = ctx.input(2);
    if (m != null && m.size() > 0) {
      maxPerClass = Math.max(m.getLong(0), 0);
    }
    float iouThreshold = 0;
    Tensor it = ctx.input(3);
    if (it != null && it.size() > 0) {
      iouThreshold = it.getFloat(0);
    }
    Tensor st = ctx.input(4);
    boolean filterScores = st != null && st.size() > 0;
    float scoreThreshold = filterScores ? st.getFloat(0) : 0;

    int batches = bs[0];
    int numBoxes = bs[1];
    int classes = ss[1];
    float[] bd = boxes.floats();
    int bOff = boxes.offset();
    float[] sd = scores.floats();
    int sOff = scores.offset();
    int limit = (int) Math.min(maxPerClass, numBoxes);
    // Selected rows, at most limit per (batch, class).
    long rowsMax = (long) batches * classes * limit;
    if (rowsMax * 3 > Integer.MAX_VALUE - 16) {
      throw ctx.error("too many possible selections: " + rowsMax);
    }
    long[] rows = new long[(int) rowsMax * 3];
    int selectedCount = 0;
    int[] candidates = new int[numBoxes];
    int[] scratch = new int[numBoxes];
    int[] selected = new int[limit];
    for (int b = 0; b < batches; b++) {
      int boxBase = bOff + b * numBoxes * 4;
      for (int c = 0; c < classes; c++) {
        if (limit == 0) {
          continue;
        }
        int scoreBase = sOff + (b * classes + c) * numBoxes;
        int n = 0;
        for (int i = 0; i < numBoxes; i++) {
          if (!filterScores || sd[scoreBase + i] > scoreThreshold) {
            candidates[n++] = i;
          }
        }
        sortByScoreDescending(candidates, scratch, n, sd, scoreBase);
        int kept = 0;
        for (int k = 0; k < n && kept < limit; k++) {
          int cand = candidates[k];
          boolean keep = true;
          for (int j = 0; j < kept; j++) {
            if (suppress(bd, boxBase, cand, selected[j], center, iouThreshold)) {
              keep = false;
              break;
            }
          }
          if (keep) {
            selected[kept++] = cand;
            rows[selectedCount * 3] = b;
            rows[selectedCount * 3 + 1] = c;
            rows[selectedCount * 3 + 2] = cand;
            selectedCount++;
          }
        }
      }
    }
    Tensor out = ctx.output(0, DType.INT64, new int[] {selectedCount, 3});
    System.arraycopy(rows, 0, out.longs(), out.offset(), selectedCount * 3);
  }

  /** Stable merge sort of the first n indices by descending score (ties keep index order). */
  private static void sortByScoreDescending(int[] a, int[] tmp, int n, float[] s, int base) {
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          // Take from the right run only if strictly higher, so equal scores keep index order.
          tmp[k++] = s[base + a[j]] > s[base + a[i]] ? a[j++] : a[i++];
        }
        while (i < mid) {
          tmp[k++] = a[i++];
        }
        while (j < hi) {
          tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, lo, a, lo, hi - lo);
      }
    }
  }

  /** True if the IoU of boxes i and j (of one batch) exceeds the threshold. */
  private static boolean suppress(
      float[] b, int base, int i, int j, boolean center, float threshold) {
    int p = base + i * 4;
    int q = base + j * 4;
    float x1Min;
    float x1Max;
    float y1Min;
    float y1Max;
    float x2Min;
    float x2Max;
    float y2Min;
    float y2Max;
    if (!center) {
      // [y1, x1, y2, x2], corners in any order.
      x1Min = Math.min(b[p + 1], b[p + 3]);
      x1Max = Math.max(b[p + 1], b[p + 3]);
      x2Min = Math.min(b[q + 1], b[q + 3]);
      x2Max = Math.max(b[q + 1], b[q + 3]);
      y1Min = Math.min(b[p], b[p + 2]);
      y1Max = Math.max(b[p], b[p + 2]);
      y2Min = Math.min(b[q], b[q + 2]);
      y2Max = Math.max(b[q], b[q + 2]);
    } else {
      // [x_center, y_center, width, height]
      float w1 = b[p + 2] / 2;
      float h1 = b[p + 3] / 2;
      float w2 = b[q + 2] / 2;
      float h2 = b[q + 3] / 2;
      x1Min = b[p] - w1;
      x1Max = b[p] + w1;
      x2Min = b[q] - w2;
      x2Max = b[q] + w2;
      y1Min = b[p + 1] - h1;
      y1Max = b[p + 1] + h1;
      y2Min = b[q + 1] - h2;
      y2Max = b[q + 1] + h2;
    }
    float ixMin = Math.max(x1Min, x2Min);
    float ixMax = Math.min(x1Max, x2Max);
    if (ixMax <= ixMin) {
      return false;
    }
    float iyMin = Math.max(y1Min, y2Min);
    float iyMax = Math.min(y1Max, y2Max);
    if (iyMax <= iyMin) {
      return false;
    }
    float inter = (ixMax - ixMin) * (iyMax - iyMin);
    if (inter <= 0) {
      return false;
    }
    float area1 = (x1Max - x1Min) * (y1Max - y1Min);
    float area2 = (x2Max - x2Min) * (y2Max - y2Min);
    float union = area1 + area2 - inter;
    if (area1 <= 0 || area2 <= 0 || union <= 0) {
      return false;
    }
    return inter / union > threshold;
  }
}
