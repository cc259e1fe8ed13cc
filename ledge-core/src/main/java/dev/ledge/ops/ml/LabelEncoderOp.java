package dev.ledge.ops.ml;

import dev.ledge.graph.Attribute;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.LongIntMap;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LabelEncoder (ai.onnx.ml 1, 2 and 4): maps each element through a key-to-value table, giving a
 * default for keys not in it.
 *
 * <p>Version 1 maps strings to their index in {@code classes_strings} (int64 output) or int64
 * indices to those strings. Versions 2+ use parallel {@code keys_*} and {@code values_*} lists of
 * floats, int64s or strings; version 4 adds the same as 1-D tensors ({@code keys_tensor}, {@code
 * values_tensor}, {@code default_tensor}) with int32, int16 and double types. A repeated key maps
 * to its last value; float keys match by value ({@code -0.0 == 0.0}) and a NaN key matches any NaN.
 */
final class LabelEncoderOp implements Operator {
  private static final String UNUSED = "_Unused";

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    return ctx.opsetVersion() <= 1 ? prepareV1(ctx) : prepareV2(ctx);
  }

  // ---- version 1 ----

  private static Kernel prepareV1(OpContext ctx) {
    DType in = ctx.requireInputType(0, DType.STRING, DType.INT64);
    List<String> classes = ctx.attrStrings("classes_strings", List.of());
    long defaultInt = ctx.attrInt("default_int64", -1);
    String defaultString = ctx.attrString("default_string", UNUSED);
    if (in == null) {
      throw ctx.unsupported("the input's element type must be known to pick the direction");
    }
    if (in == DType.STRING) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < classes.size(); i++) {
        if (index.putIfAbsent(classes.get(i), i) != null) {
          throw ctx.unsupported(
              "classes_strings repeats '"
                  + classes.get(i)
                  + "'; which index it maps to is not specified");
        }
      }
      ctx.setOutput(0, DType.INT64, ctx.inputShape(0));
      return exec -> {
        Tensor x = exec.input(0);
        Tensor y = exec.output(0, DType.INT64, x.shape());
        long[] ys = y.longs();
        for (int i = 0; i < x.size(); i++) {
          Integer v = index.get(x.getString(i));
          ys[y.offset() + i] = v == null ? defaultInt : v;
        }
      };
    }
    String[] table = classes.toArray(String[]::new);
    ctx.setOutput(0, DType.STRING, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor y = exec.outputLike(0, DType.STRING, x);
      String[] ys = y.strings();
      for (int i = 0; i < x.size(); i++) {
        long k = x.getLong(i);
        ys[y.offset() + i] = k >= 0 && k < table.length ? table[(int) k] : defaultString;
      }
    };
  }

  // ---- versions 2 and 4 ----

  private static Kernel prepareV2(OpContext ctx) {
    boolean v4 = ctx.opsetVersion() >= 4;
    Tensor keys = list(ctx, "keys", v4);
    Tensor values = list(ctx, "values", v4);
    if (keys.size() != values.size()) {
      throw ctx.error(
          "keys has "
              + keys.size()
              + " entries but values has "
              + values.size()
              + "; they pair up");
    }
    DType keyType = keys.dtype();
    DType valueType = values.dtype();
    DType in = ctx.requireInputType(0, keyType);
    if (in == null) {
      in = keyType;
    }
    Object defaultValue = defaultValue(ctx, valueType, v4);

    // Key -> index of its (last) value.
    Map<String, Integer> byString = keyType == DType.STRING ? new HashMap<>() : null;
    LongIntMap byNumber = keyType == DType.STRING ? null : new LongIntMap(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      if (byString != null) {
        byString.put(keys.getString(i), i);
      } else {
        byNumber.put(numberKey(keys, i), i);
      }
    }
    double defaultDouble = defaultValue instanceof Double d ? d : 0;
    long defaultLong = defaultValue instanceof Long l ? l : 0;
    ctx.setOutput(0, valueType, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor y = exec.outputLike(0, valueType, x);
      for (int i = 0; i < x.size(); i++) {
        int at;
        if (byString != null) {
          Integer found = byString.get(x.getString(i));
          at = found == null ? -1 : found;
        } else {
          at = byNumber.get(numberKey(x, i));
        }
        if (valueType == DType.STRING) {
          y.setString(i, at < 0 ? (String) defaultValue : values.getString(at));
        } else if (valueType.isFloatingPoint()) {
          y.setDouble(i, at < 0 ? defaultDouble : values.getDouble(at));
        } else {
          y.setLong(i, at < 0 ? defaultLong : values.getLong(at));
        }
      }
    };
  }

  /**
   * The key for element {@code i}: integers as themselves; floats by the bits of their double value
   * with -0.0 folded into 0.0 and every NaN into one NaN.
   */
  private static long numberKey(Tensor t, int i) {
    if (!t.dtype().isFloatingPoint()) {
      return t.getLong(i);
    }
    double d = t.getDouble(i);
    if (Double.isNaN(d)) {
      return Double.doubleToLongBits(Double.NaN);
    }
    return Double.doubleToLongBits(d == 0 ? 0.0 : d);
  }

  /** The one {@code keys_*} (or {@code values_*}) attribute, as a 1-D tensor. */
  private static Tensor list(OpContext ctx, String prefix, boolean v4) {
    List<Tensor> found = new ArrayList<>();
    List<String> names = new ArrayList<>();
    float[] floats = ctx.attrFloats(prefix + "_floats", null);
    if (floats != null) {
      found.add(Tensor.wrap(floats, floats.length));
      names.add(prefix + "_floats");
    }
    long[] ints = ctx.attrInts(prefix + "_int64s", null);
    if (ints != null) {
      found.add(Tensor.wrap(ints, ints.length));
      names.add(prefix + "_int64s");
    }
    List<String> strings = ctx.attrStrings(prefix + "_strings", null);
    if (strings != null) {
      found.add(Tensor.wrap(strings.toArray(String[]::new), strings.size()));
      names.add(prefix + "_strings");
    }
    if (ctx.hasAttr(prefix + "_tensor")) {
      if (!v4) {
        throw ctx.error(
            prefix + "_tensor needs ai.onnx.ml opset 4, the model imports " + ctx.opsetVersion());
      }
      Tensor t = ctx.attrTensor(prefix + "_tensor");
      if (t.rank() != 1) {
        throw ctx.error(
            prefix
                + "_tensor has shape "
                + java.util.Arrays.toString(t.shape())
                + ", expected a 1-D tensor");
      }
      DType d = t.dtype();
      if (d != DType.STRING
          && d != DType.INT64
          && d != DType.FLOAT32
          && d != DType.INT32
          && d != DType.INT16
          && d != DType.FLOAT64) {
        throw ctx.error(
            prefix
                + "_tensor has type "
                + d
                + ", expected string, int64, float, int32, int16 or double");
      }
      found.add(t.toHeap());
      names.add(prefix + "_tensor");
    }
    if (found.size() != 1) {
      throw ctx.error(
          "exactly one of "
              + prefix
              + "_floats, "
              + prefix
              + "_int64s, "
              + prefix
              + "_strings"
              + (v4 ? ", " + prefix + "_tensor" : "")
              + " must be set, found "
              + names);
    }
    return found.getFirst();
  }

  /** The default output value: a String, Double or Long. */
  private static Object defaultValue(OpContext ctx, DType valueType, boolean v4) {
    Attribute dt = v4 ? ctx.attr("default_tensor") : null;
    if (dt != null) {
      Tensor t = ctx.attrTensor("default_tensor");
      if (t.dtype() != valueType || t.size() != 1) {
        throw ctx.error(
            "default_tensor is " + t + ", expected one element of the values' type " + valueType);
      }
      return valueType == DType.STRING
          ? t.getString(0)
          : valueType.isFloatingPoint() ? (Object) t.getDouble(0) : (Object) t.getLong(0);
    }
    return switch (valueType) {
      case STRING -> ctx.attrString("default_string", UNUSED);
      case INT64 -> ctx.attrInt("default_int64", -1);
      case FLOAT32 -> (double) ctx.attrFloat("default_float", -0.0f);
      default -> {
        String scalar = valueType.isFloatingPoint() ? "default_float" : "default_int64";
        if (ctx.hasAttr(scalar)) {
          throw ctx.unsupported(
              scalar
                  + " with "
                  + valueType
                  + " values: whether it applies without default_tensor is not specified");
        }
        yield valueType.isFloatingPoint() ? (Object) (-0.0) : (Object) (-1L);
      }
    };
  }
}
