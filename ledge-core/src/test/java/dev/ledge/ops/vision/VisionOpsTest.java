package dev.ledge.ops.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.ModelDef;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Behaviour of the vision ops that the ONNX conformance data does not cover. */
class VisionOpsTest {
  private static Tensor run(ModelDef def, Map<String, Tensor> inputs, String output) {
    try (Session s = Model.of(def).newSession()) {
      return s.run(inputs).get(output);
    }
  }

  private static void assertMessage(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), "'" + p + "' not in: " + ex.getMessage());
    }
  }

  private static ModelDef gridSample(long opset, Object... attrs) {
    return new ModelBuilder(opset)
        .input("x", DType.FLOAT32, -1, -1, -1, -1)
        .input("g", DType.FLOAT32, -1, -1, -1, 2)
        .node("GridSample", List.of("x", "g"), List.of("y"), attrs)
        .output("y")
        .build();
  }

  @Test
  void gridSampleOpset16UsesOldModeNames() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    // Grid point (0, 0) is the image center: the mean of the four pixels.
    Tensor g = Tensor.wrap(new float[] {0, 0}, 1, 1, 1, 2);
    Tensor y = run(gridSample(16, "mode", "bilinear"), Map.of("x", x, "g", g), "y");
    assertArrayEquals(new float[] {2.5f}, y.toFloatArray());
    assertMessage(() -> Model.of(gridSample(16, "mode", "linear")).newSession(), "mode 'linear'");
    assertMessage(() -> Model.of(gridSample(20, "mode", "bicubic")).newSession(), "'bicubic'");
  }

  @Test
  void gridSampleBorderAndReflectionPadding() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
    // x = 2 (normalized) is right of the row; with align_corners=1, pixel coordinate 4.5.
    Tensor g = Tensor.wrap(new float[] {2, 0}, 1, 1, 1, 2);
    Tensor border =
        run(
            gridSample(20, "padding_mode", "border", "align_corners", 1L),
            Map.of("x", x, "g", g),
            "y");
    assertArrayEquals(new float[] {4}, border.toFloatArray());
    // Reflected about the last pixel (3): 4.5 -> 1.5, between 2 and 3.
    Tensor refl =
        run(
            gridSample(20, "padding_mode", "reflection", "align_corners", 1L),
            Map.of("x", x, "g", g),
            "y");
    assertArrayEquals(new float[] {2.5f}, refl.toFloatArray());
    Tensor zeros = run(gridSample(20, "align_corners", 1L), Map.of("x", x, "g", g), "y");
    assertArrayEquals(new float[] {0}, zeros.toFloatArray());
  }

  @Test
  void missingRequiredInputsAreErrors() {
    ModelDef noX =
        new ModelBuilder(20)
            .input("g", DType.FLOAT32, 1, 1, 1, 2)
            .node("GridSample", List.of("", "g"), List.of("y"))
            .output("y")
            .build();
    assertMessage(() -> Model.of(noX).newSession(), "input 0 is required");
    ModelDef noW =
        new ModelBuilder(22)
            .input("x", DType.FLOAT32, 1, 1, 3, 3)
            .input("off", DType.FLOAT32, 1, 8, 2, 2)
            .node("DeformConv", List.of("x", "", "off"), List.of("y"))
            .output("y")
            .build();
    assertMessage(() -> Model.of(noW).newSession(), "input 1 is required");
  }

  @Test
  void gridSampleRejectsMismatchedGrid() {
    Tensor x = Tensor.allocate(DType.FLOAT32, 2, 1, 2, 2);
    Tensor g = Tensor.allocate(DType.FLOAT32, 1, 3, 3, 2);
    assertMessage(() -> run(gridSample(20), Map.of("x", x, "g", g), "y"), "grid has shape");
  }

  private static ModelDef affineGrid(long alignCorners) {
    return new ModelBuilder(20)
        .input("theta", DType.FLOAT32, -1, -1, -1)
        .input("size", DType.INT64, -1)
        .node(
            "AffineGrid", List.of("theta", "size"), List.of("grid"), "align_corners", alignCorners)
        .output("grid")
        .build();
  }

  @Test
  void affineGridIdentityAndSizeOne() {
    Tensor identity = Tensor.wrap(new float[] {1, 0, 0, 0, 1, 0}, 1, 2, 3);
    Tensor g =
        run(affineGrid(1), Map.of("theta", identity, "size", Tensor.ofLongs(1, 1, 1, 3)), "grid");
    assertArrayEquals(new int[] {1, 1, 3, 2}, g.shape());
    // A single row with align_corners=1 sits at y = 0; x spans -1..1.
    assertArrayEquals(new float[] {-1, 0, 0, 0, 1, 0}, g.toFloatArray(), 1e-6f);
    assertMessage(
        () ->
            run(affineGrid(0), Map.of("theta", identity, "size", Tensor.ofLongs(1, 1, 2)), "grid"),
        "size has shape");
  }

  private static ModelDef roiAlign(long opset, Object... attrs) {
    return new ModelBuilder(opset)
        .input("x", DType.FLOAT32, -1, -1, -1, -1)
        .input("rois", DType.FLOAT32, -1, 4)
        .input("idx", DType.INT64, -1)
        .node("RoiAlign", List.of("x", "rois", "idx"), List.of("y"), attrs)
        .output("y")
        .build();
  }

  @Test
  void roiAlignOpset10IsOutputHalfPixelAndChecksBatchIndices() {
    float[] img = new float[16];
    for (int i = 0; i < 16; i++) {
      img[i] = i;
    }
    Tensor x = Tensor.wrap(img, 1, 1, 4, 4);
    Tensor rois = Tensor.wrap(new float[] {0, 0, 2, 2}, 1, 4);
    Map<String, Tensor> in = Map.of("x", x, "rois", rois, "idx", Tensor.ofLongs(0));
    Tensor v10 = run(roiAlign(10, "sampling_ratio", 1L), in, "y");
    Tensor v16 =
        run(
            roiAlign(
                16, "sampling_ratio", 1L, "coordinate_transformation_mode", "output_half_pixel"),
            in,
            "y");
    assertArrayEquals(v16.toFloatArray(), v10.toFloatArray());
    // One sample at (1, 1): pixel 5.
    assertArrayEquals(new float[] {5}, v10.toFloatArray());
    // half_pixel shifts the ROI by -0.5: sample at (0.5, 0.5) = mean of 0, 1, 4, 5.
    Tensor half = run(roiAlign(16, "sampling_ratio", 1L), in, "y");
    assertArrayEquals(new float[] {2.5f}, half.toFloatArray());
    assertMessage(
        () -> run(roiAlign(16), Map.of("x", x, "rois", rois, "idx", Tensor.ofLongs(3)), "y"),
        "batch_indices[0] is 3");
    assertMessage(
        () -> Model.of(roiAlign(10, "coordinate_transformation_mode", "half_pixel")).newSession(),
        "not an attribute of RoiAlign-10");
  }

  private static ModelDef nms(List<String> inputs) {
    ModelBuilder b =
        new ModelBuilder(11)
            .input("boxes", DType.FLOAT32, -1, -1, 4)
            .input("scores", DType.FLOAT32, -1, -1, -1);
    if (inputs.size() > 2) {
      b.input("max", DType.INT64, 1).input("iou", DType.FLOAT32, 1);
    }
    return b.node("NonMaxSuppression", inputs, List.of("sel")).output("sel").build();
  }

  @Test
  void nmsDefaultsAndErrors() {
    Tensor boxes = Tensor.wrap(new float[] {0, 0, 1, 1, 0, 0, 1, 1.1f, 5, 5, 6, 6}, 1, 3, 4);
    Tensor scores = Tensor.wrap(new float[] {0.5f, 0.9f, 0.1f}, 1, 1, 3);
    // Without max_output_boxes_per_class nothing is selected.
    Tensor none =
        run(nms(List.of("boxes", "scores")), Map.of("boxes", boxes, "scores", scores), "sel");
    assertArrayEquals(new int[] {0, 3}, none.shape());
    Map<String, Tensor> in =
        Map.of(
            "boxes",
            boxes,
            "scores",
            scores,
            "max",
            Tensor.ofLongs(10),
            "iou",
            Tensor.ofFloats(0.5f));
    Tensor sel = run(nms(List.of("boxes", "scores", "max", "iou")), in, "sel");
    // Box 1 (0.9) suppresses box 0; box 2 is disjoint. No score threshold: box 2 stays.
    assertArrayEquals(new long[] {0, 0, 1, 0, 0, 2}, sel.toLongArray());
    assertMessage(
        () ->
            run(
                nms(List.of("boxes", "scores")),
                Map.of("boxes", boxes, "scores", Tensor.allocate(DType.FLOAT32, 1, 1, 2)),
                "sel"),
        "expected [batches, boxes, 4]");
  }

  private static ModelDef deform(long rank) {
    long[] shape = new long[(int) rank];
    java.util.Arrays.fill(shape, -1);
    return new ModelBuilder(22)
        .input("x", DType.FLOAT32, shape)
        .input("w", DType.FLOAT32, shape)
        .input("off", DType.FLOAT32, shape)
        .node("DeformConv", List.of("x", "w", "off"), List.of("y"))
        .output("y")
        .build();
  }

  @Test
  void deformConvWithZeroOffsetsIsAConvolution() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Tensor w = Tensor.wrap(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
    Tensor off = Tensor.allocate(DType.FLOAT32, 1, 8, 2, 2);
    Tensor y = run(deform(4), Map.of("x", x, "w", w, "off", off), "y");
    assertArrayEquals(new float[] {-4, -4, -4, -4}, y.toFloatArray());
    // A half-pixel offset down on every tap interpolates between rows.
    float[] o = new float[32];
    for (int tap = 0; tap < 4; tap++) {
      for (int p = 0; p < 4; p++) {
        o[tap * 8 + p] = 0.5f;
      }
    }
    Tensor shifted = run(deform(4), Map.of("x", x, "w", w, "off", Tensor.wrap(o, 1, 8, 2, 2)), "y");
    // The bottom taps of the last output row read half of row 2 and half of the zero padding.
    assertArrayEquals(new float[] {-4, -4, 1.5f, 2}, shifted.toFloatArray(), 1e-5f);
    assertMessage(
        () ->
            run(
                deform(4),
                Map.of("x", x, "w", w, "off", Tensor.allocate(DType.FLOAT32, 1, 8, 3, 3)),
                "y"),
        "offset has shape");
    assertInstanceOf(
        UnsupportedOpException.class,
        assertThrows(LedgeException.class, () -> Model.of(deform(5)).newSession()));
    assertEquals(4, y.rank());
  }
}
