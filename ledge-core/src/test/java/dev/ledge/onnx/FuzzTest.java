package dev.ledge.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ledge.LedgeException;
import dev.ledge.graph.ValueInfo;
import dev.ledge.onnx.proto.OnnxProtos.AttributeProto;
import dev.ledge.onnx.proto.OnnxProtos.GraphProto;
import dev.ledge.onnx.proto.OnnxProtos.ModelProto;
import dev.ledge.onnx.proto.OnnxProtos.NodeProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorProto;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the whole path (read, plan, run) with mutated real models: bit flips,
 * truncation, and field edits (dims, data types, attributes, op types, names). Every case must end
 * in a clean run or a {@link LedgeException} that is not an internal error — never another
 * exception, a hang or an OutOfMemoryError.
 */
class FuzzTest {
  private static final long SEED = 20261125L;
  private static final int CASES_PER_MODEL = 60;

  /** Small conformance models over many op families, with their real inputs. */
  private static final List<String> NODE_TESTS =
      List.of(
          "test_add_bcast",
          "test_conv_with_strides_padding",
          "test_gemm_default_matrix_bias",
          "test_matmul_3d",
          "test_maxpool_2d_pads",
          "test_averagepool_2d_ceil",
          "test_relu",
          "test_softmax_axis_1",
          "test_reshape_negative_dim",
          "test_transpose_all_permutations_3",
          "test_concat_2d_axis_1",
          "test_split_equal_parts_1d_opset18",
          "test_slice_neg_steps",
          "test_gather_1",
          "test_gather_elements_1",
          "test_scatter_elements_with_axis",
          "test_expand_dim_changed",
          "test_tile",
          "test_pad",
          "test_resize_upsample_scales_linear",
          "test_where_example",
          "test_topk",
          "test_argmax_default_axis_example",
          "test_cumsum_1d",
          "test_onehot_with_axis",
          "test_nonzero_example",
          "test_range_float_type_positive_delta",
          "test_reduce_sum_keepdims_random",
          "test_reduce_mean_default_axes_keepdims_random",
          "test_batchnorm_epsilon",
          "test_layer_normalization_4d_axis1",
          "test_instancenorm_example",
          "test_lstm_defaults",
          "test_gru_defaults",
          "test_rnn_seq_length",
          "test_cast_FLOAT_to_FLOAT16",
          "test_quantizelinear",
          "test_dequantizelinear",
          "test_qlinearmatmul_2D_uint8_float32",
          "test_einsum_batch_matmul",
          "test_depthtospace_example",
          "test_if",
          "test_convtranspose",
          "test_lrn",
          "test_hardmax_axis_1",
          "test_trilu_lower",
          "test_unique_sorted_with_axis",
          "test_sequence_insert_at_front",
          "test_dft",
          "test_constant_pad");

  @Test
  void mutatedModelsFailCleanly() throws Exception {
    Path node = TestData.shared("onnx-tests/node");
    Random rnd = new Random(SEED);
    List<String> problems = new ArrayList<>();
    int cases = 0;
    ExecutorService pool = newPool();
    try {
      for (String name : NODE_TESTS) {
        Path dir = node.resolve(name);
        if (!Files.isDirectory(dir)) {
          continue;
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
        ModelProto proto = ModelProto.parseFrom(bytes);
        Map<String, Object> inputs = inputsOf(dir, proto);
        for (int i = 0; i < CASES_PER_MODEL; i++) {
          byte[] mutated = mutate(bytes, proto, rnd);
          String label = name + " case " + i;
          Future<String> f = pool.submit(() -> runCase(mutated, inputs));
          try {
            String problem = f.get(20, TimeUnit.SECONDS);
            if (problem != null) {
              problems.add(label + ": " + problem);
            }
          } catch (TimeoutException e) {
            f.cancel(true);
            pool.shutdownNow();
            pool = newPool();
            problems.add(label + ": timed out (hang?)");
          }
          cases++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    String report = String.join("\n", problems.subList(0, Math.min(20, problems.size())));
    assertTrue(
        problems.isEmpty(), problems.size() + " of " + cases + " cases failed badly:\n" + report);
    assertTrue(cases >= 1000, "fuzzed only " + cases + " cases");
  }

  private static ExecutorService newPool() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz");
          t.setDaemon(true);
          return t;
        });
  }

  /** Null if the case ended acceptably, else what went wrong. */
  private static String runCase(byte[] model, Map<String, Object> inputs) {
    try {
      Model m = Model.load(model);
      try (Session s = m.newSession()) {
        Map<String, Object> feed = new LinkedHashMap<>();
        for (ValueInfo v : m.inputs()) {
          if (inputs.containsKey(v.name())) {
            feed.put(v.name(), inputs.get(v.name()));
          }
        }
        s.runValues(feed);
      }
      return null;
    } catch (LedgeException e) {
      if (e.getMessage() != null && e.getMessage().contains("internal error")) {
        return e.getMessage() + " caused by " + e.getCause();
      }
      return null;
    } catch (OutOfMemoryError e) {
      return "OutOfMemoryError";
    } catch (Throwable e) {
      return e.toString();
    }
  }

  private static Map<String, Object> inputsOf(Path dir, ModelProto proto) {
    Map<String, Object> r = new LinkedHashMap<>();
    GraphProto g = proto.getGraph();
    for (int i = 0; i < g.getInputCount(); i++) {
      Path f = dir.resolve("test_data_set_0/input_" + i + ".pb");
      if (Files.exists(f)) {
        var type = OnnxReader.valueType(g.getInput(i).getType());
        r.put(g.getInput(i).getName(), OnnxValues.readValue(f, type));
      }
    }
    return r;
  }

  static byte[] mutate(byte[] bytes, ModelProto proto, Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0 -> {
        byte[] b = bytes.clone();
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips; k++) {
          int i = rnd.nextInt(b.length);
          b[i] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      }
      case 1 -> {
        return java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
      }
      default -> {
        return fieldEdit(proto, rnd).toByteArray();
      }
    }
  }

  private static final long[] INTERESTING = {
    0,
    1,
    -1,
    2,
    3,
    -2,
    7,
    1000,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    1L << 32,
    1L << 40,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private static long interesting(Random rnd) {
    return INTERESTING[rnd.nextInt(INTERESTING.length)];
  }

  private static ModelProto fieldEdit(ModelProto proto, Random rnd) {
    ModelProto.Builder m = proto.toBuilder();
    GraphProto.Builder g = m.getGraphBuilder();
    int what = rnd.nextInt(9);
    if (what == 0 && g.getInitializerCount() > 0) {
      TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
      if (t.getDimsCount() > 0) {
        t.setDims(rnd.nextInt(t.getDimsCount()), interesting(rnd));
      } else {
        t.addDims(interesting(rnd));
      }
    } else if (what == 1 && g.getInitializerCount() > 0) {
      g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount())).setDataType(rnd.nextInt(30));
    } else if (what == 2 && g.getNodeCount() > 0) {
      NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
      if (n.getAttributeCount() > 0) {
        AttributeProto.Builder a = n.getAttributeBuilder(rnd.nextInt(n.getAttributeCount()));
        switch (rnd.nextInt(4)) {
          case 0 -> a.setI(interesting(rnd));
          case 1 -> {
            if (a.getIntsCount() > 0) {
              a.setInts(rnd.nextInt(a.getIntsCount()), interesting(rnd));
            } else {
              a.addInts(interesting(rnd));
            }
          }
          case 2 -> a.setF(rnd.nextBoolean() ? Float.NaN : (float) interesting(rnd));
          default ->
              a.setType(
                  AttributeProto.AttributeType.forNumber(rnd.nextInt(15)) == null
                      ? AttributeProto.AttributeType.INT
                      : AttributeProto.AttributeType.forNumber(rnd.nextInt(15)));
        }
      } else {
        n.addAttribute(
            AttributeProto.newBuilder()
                .setName("axis")
                .setType(AttributeProto.AttributeType.INT)
                .setI(interesting(rnd)));
      }
    } else if (what == 3 && g.getNodeCount() > 0) {
      NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
      if (n.getInputCount() > 0) {
        n.setInput(rnd.nextInt(n.getInputCount()), rnd.nextBoolean() ? "" : "no_such_value");
      }
    } else if (what == 4 && g.getNodeCount() > 0) {
      NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
      String[] ops = {
        "Add", "Conv", "Reshape", "Gather", "Loop", "Softmax", "Transpose", "Concat", "If"
      };
      n.setOpType(ops[rnd.nextInt(ops.length)]);
    } else if (what == 5 && g.getNodeCount() > 0) {
      NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
      n.addInput(n.getOutputCount() > 0 ? n.getOutput(0) : "x");
    } else if (what == 6) {
      m.getOpsetImportBuilder(0).setVersion(rnd.nextInt(40) - 5);
    } else if (what == 7 && g.getInputCount() > 0) {
      var ti =
          g.getInputBuilder(rnd.nextInt(g.getInputCount())).getTypeBuilder().getTensorTypeBuilder();
      if (rnd.nextBoolean()) {
        ti.setElemType(rnd.nextInt(30));
      } else if (ti.getShapeBuilder().getDimCount() > 0) {
        ti.getShapeBuilder()
            .getDimBuilder(rnd.nextInt(ti.getShapeBuilder().getDimCount()))
            .setDimValue(interesting(rnd));
      }
    } else if (g.getInitializerCount() > 0) {
      TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
      byte[] raw = new byte[rnd.nextInt(64)];
      rnd.nextBytes(raw);
      t.setRawData(ByteString.copyFrom(raw));
    }
    return m.build();
  }
}
