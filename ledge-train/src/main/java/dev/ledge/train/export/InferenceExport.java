package dev.ledge.train.export;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.onnx.OnnxWriter;
import dev.ledge.train.autograd.Autograd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a trained model into its inference form: BatchNormalization in inference mode (running
 * statistics, one output), Dropout removed, optionally BatchNormalization folded into the preceding
 * Conv or Gemm, unused initializers dropped; metadata records what produced it. The result is plain
 * ONNX that any runtime loads.
 */
public final class InferenceExport {
  private InferenceExport() {}

  /**
   * The inference form of {@code model} (not modified).
   *
   * @param foldBatchNorm fold each BatchNormalization that directly follows a Conv or Gemm whose
   *     output nothing else reads into that Conv's or Gemm's weights and bias
   * @param metadata extra metadata properties (provenance: data, seed, settings, results)
   */
  public static ModelDef inferenceForm(
      ModelDef model, boolean foldBatchNorm, Map<String, String> metadata) {
    Graph g = Autograd.copy(model.graph());
    removeDropout(g);
    for (int i = 0; i < g.nodes().size(); i++) {
      Node n = g.nodes().get(i);
      if (n.domain().isEmpty() && n.opType().equals("BatchNormalization")) {
        Map<String, Attribute> a = new LinkedHashMap<>(n.attributes());
        a.remove("training_mode");
        g.nodes()
            .set(
                i,
                new Node(
                    n.name(),
                    n.opType(),
                    n.domain(),
                    n.inputs(),
                    List.of(n.outputs().getFirst()),
                    a));
      }
    }
    if (foldBatchNorm) {
      BatchNormFolding.fold(g);
    }
    dropUnusedInitializers(g);
    ModelDef m = new ModelDef(g);
    m.setIrVersion(model.irVersion());
    m.opsetImports().putAll(model.opsetImports());
    m.opsetImports().keySet().removeIf(d -> !d.isEmpty() && !usesDomain(g, d));
    m.setProducerName(model.producerName().isEmpty() ? "ledge-train" : model.producerName());
    m.setProducerVersion(model.producerVersion());
    m.setDomain(model.domain());
    m.setModelVersion(model.modelVersion());
    m.setDocString(model.docString());
    m.metadata().putAll(model.metadata());
    m.metadata().putAll(metadata);
    m.functions().addAll(model.functions());
    return m;
  }

  /** Writes the inference form atomically. */
  public static void write(
      ModelDef model, boolean foldBatchNorm, Map<String, String> metadata, Path file) {
    OnnxWriter.write(inferenceForm(model, foldBatchNorm, metadata), file);
  }

  private static boolean usesDomain(Graph g, String domain) {
    return g.nodes().stream().anyMatch(n -> n.domain().equals(domain));
  }

  /** Dropout (inference: the identity) is removed; readers of its output read its input. */
  static void removeDropout(Graph g) {
    Set<String> graphOutputs = new HashSet<>();
    for (ValueInfo v : g.outputs()) {
      graphOutputs.add(v.name());
    }
    Map<String, String> rename = new HashMap<>();
    List<Node> kept = new ArrayList<>();
    for (Node n : g.nodes()) {
      boolean dropout =
          (n.domain().isEmpty() || n.domain().equals(dev.ledge.train.ops.TrainOperators.DOMAIN))
              && n.opType().equals("Dropout");
      if (dropout) {
        for (int i = 1; i < n.outputs().size(); i++) {
          if (!n.outputs().get(i).isEmpty() && isRead(g, n.outputs().get(i))) {
            throw new dev.ledge.LedgeException(
                n.describe() + ": its mask output is used; cannot remove it for inference");
          }
        }
        String out = n.outputs().getFirst();
        String in = resolve(rename, n.input(0));
        if (graphOutputs.contains(out)) {
          kept.add(new Node(n.name(), "Identity", "", List.of(in), List.of(out), Map.of()));
        } else {
          rename.put(out, in);
        }
        continue;
      }
      for (int i = 0; i < n.inputs().size(); i++) {
        n.inputs().set(i, resolve(rename, n.inputs().get(i)));
      }
      kept.add(n);
    }
    g.nodes().clear();
    g.nodes().addAll(kept);
  }

  private static String resolve(Map<String, String> rename, String name) {
    String r = name;
    while (rename.containsKey(r)) {
      r = rename.get(r);
    }
    return r;
  }

  private static boolean isRead(Graph g, String value) {
    for (Node n : g.nodes()) {
      if (n.inputs().contains(value)) {
        return true;
      }
    }
    return g.outputs().stream().anyMatch(v -> v.name().equals(value));
  }

  static void dropUnusedInitializers(Graph g) {
    Set<String> used = new HashSet<>();
    for (Node n : g.nodes()) {
      used.addAll(n.inputs());
    }
    for (ValueInfo v : g.outputs()) {
      used.add(v.name());
    }
    Set<String> removed = new HashSet<>(g.initializers().keySet());
    removed.removeAll(used);
    g.initializers().keySet().removeAll(removed);
    g.inputs().removeIf(v -> removed.contains(v.name()));
    g.valueInfo().keySet().removeIf(k -> !used.contains(k));
  }
}
