package dev.ledge.train.autograd;

import dev.ledge.graph.Node;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Gradient rules by operator domain and type. */
public final class GradientRules {
  private static final GradientRules STANDARD = createStandard();

  private final Map<String, GradientRule> rules = new TreeMap<>();
  private boolean frozen;

  /** Every built-in rule (ONNX ops and Ledge training ops). Shared and read-only. */
  public static GradientRules standard() {
    return STANDARD;
  }

  /** A new, modifiable set holding the built-in rules, to which callers may add their own. */
  public static GradientRules standardCopy() {
    GradientRules r = new GradientRules();
    r.rules.putAll(STANDARD.rules);
    return r;
  }

  private static GradientRules createStandard() {
    GradientRules r = new GradientRules();
    ElementwiseRules.register(r);
    MatrixRules.register(r);
    SpatialRules.register(r);
    ShapeRules.register(r);
    LossRules.register(r);
    RecurrentRules.register(r);
    MoreRules.register(r);
    r.frozen = true;
    return r;
  }

  /** Adds (or replaces) a rule. */
  public GradientRules register(String domain, String opType, GradientRule rule) {
    if (frozen) {
      throw new IllegalStateException("the standard rules are read-only; use standardCopy()");
    }
    rules.put(key(domain, opType), rule);
    return this;
  }

  /** Adds (or replaces) a rule of the default ONNX domain. */
  public GradientRules register(String opType, GradientRule rule) {
    return register(Node.ONNX_DOMAIN, opType, rule);
  }

  /** The rule, or null. */
  public GradientRule find(String domain, String opType) {
    return rules.get(key(domain, opType));
  }

  /** Op types (prefixed by their domain outside ONNX's) that have a rule. */
  public Set<String> covered() {
    return new TreeSet<>(rules.keySet());
  }

  private static String key(String domain, String opType) {
    String d = Node.normalizeDomain(domain);
    return d.isEmpty() ? opType : d + "." + opType;
  }
}
