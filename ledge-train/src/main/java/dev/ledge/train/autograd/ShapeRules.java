package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import java.util.ArrayList;
import java.util.List;

/** Rules of shape, indexing and reduction ops. */
final class ShapeRules {
  private ShapeRules() {}

  static void register(GradientRules r) {
    for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
      r.register(op, ShapeRules::reshapeBack);
    }
    r.register("Concat", ShapeRules::concat);
    r.register("Slice", ShapeRules::slice);
    r.register("Gather", ShapeRules::gather);
    r.register("ReduceSum", c -> reduce(c, "ReduceSumGrad", 13));
    r.register("ReduceMean", c -> reduce(c, "ReduceMeanGrad", 18));
  }

  /** Only the data input has a gradient: the output's gradient with the input's shape. */
  private static void reshapeBack(GradContext c) {
    requireOnlyData(c);
    c.setInputGrad(0, c.train("ReshapeLike", List.of(c.outputGrad(0), c.input(0))));
  }

  private static void requireOnlyData(GradContext c) {
    for (int i = 1; i < c.inputCount(); i++) {
      if (c.needsGrad(i)) {
        throw c.unsupported("the gradient with respect to input " + i);
      }
    }
  }

  private static void concat(GradContext c) {
    List<String> in = new ArrayList<>();
    in.add(c.outputGrad(0));
    boolean[] wanted = new boolean[c.inputCount()];
    for (int i = 0; i < c.inputCount(); i++) {
      in.add(c.input(i));
      wanted[i] = c.needsGrad(i);
    }
    String[] g = c.train("ConcatGrad", in, wanted, Attribute.of("axis", c.attrInt("axis", 0)));
    for (int i = 0; i < g.length; i++) {
      c.setInputGrad(i, g[i]);
    }
  }

  private static void slice(GradContext c) {
    requireOnlyData(c);
    List<String> in = new ArrayList<>(List.of(c.outputGrad(0), c.input(0)));
    if (c.opset() < 10) {
      in.add(c.longs(c.attr("starts").asInts()));
      in.add(c.longs(c.attr("ends").asInts()));
      if (c.attr("axes") != null) {
        in.add(c.longs(c.attr("axes").asInts()));
      }
    } else {
      for (int i = 1; i < c.inputCount(); i++) {
        in.add(c.input(i));
      }
    }
    c.setInputGrad(0, c.train("SliceGrad", in));
  }

  private static void gather(GradContext c) {
    requireOnlyData(c);
    c.setInputGrad(
        0,
        c.train(
            "GatherGrad",
            List.of(c.outputGrad(0), c.input(0), c.input(1)),
            Attribute.of("axis", c.attrInt("axis", 0))));
  }

  /** ReduceSum (axes input from opset 13) and ReduceMean (from opset 18). */
  private static void reduce(GradContext c, String op, long axesInputSince) {
    requireOnlyData(c);
    List<String> in = new ArrayList<>(List.of(c.outputGrad(0), c.input(0)));
    if (c.opset() < axesInputSince) {
      if (c.attr("axes") != null) {
        in.add(c.longs(c.attr("axes").asInts()));
      }
    } else if (c.hasInput(1)) {
      in.add(c.input(1));
    }
    c.setInputGrad(
        0,
        c.train(
            op,
            in,
            Attribute.of("keepdims", c.attrInt("keepdims", 1)),
            Attribute.of("noop_with_empty_axes", c.attrInt("noop_with_empty_axes", 0))));
  }
}
