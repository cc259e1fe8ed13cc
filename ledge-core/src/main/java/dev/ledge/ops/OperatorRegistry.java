package dev.ledge.ops;

import dev.ledge.graph.Node;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Operators by domain and op type. */
public final class OperatorRegistry {
  /** Highest ai.onnx opset version whose semantics Ledge implements. */
  public static final long MAX_ONNX_OPSET = 27;

  private static final OperatorRegistry STANDARD = createStandard();

  private final Map<String, Map<String, Operator>> byDomain = new TreeMap<>();

  /** The registry of every built-in operator. Shared and read-only after creation. */
  public static OperatorRegistry standard() {
    return STANDARD;
  }

  /**
   * A new registry with every built-in operator plus the operators of {@code extra} families (for
   * modules outside core, such as ledge-train's backward operators). The standard registry itself
   * is never modified.
   */
  public static OperatorRegistry standardWith(OperatorFamily... extra) {
    OperatorRegistry r = createStandard();
    for (OperatorFamily f : extra) {
      f.register(r);
    }
    return r;
  }

  private static OperatorRegistry createStandard() {
    OperatorRegistry r = new OperatorRegistry();
    for (OperatorFamily f : OperatorFamilies.ALL) {
      f.register(r);
    }
    return r;
  }

  /** Registers an operator; a later registration of the same name replaces the earlier one. */
  public void register(String domain, String opType, Operator op) {
    byDomain.computeIfAbsent(Node.normalizeDomain(domain), d -> new TreeMap<>()).put(opType, op);
  }

  /** Registers an operator in the default ONNX domain. */
  public void register(String opType, Operator op) {
    register(Node.ONNX_DOMAIN, opType, op);
  }

  /** The operator, or null if Ledge does not implement it. */
  public Operator find(String domain, String opType) {
    Map<String, Operator> m = byDomain.get(Node.normalizeDomain(domain));
    return m == null ? null : m.get(opType);
  }

  /** Domains with at least one operator. */
  public Set<String> domains() {
    return new TreeSet<>(byDomain.keySet());
  }

  /** Op types registered in a domain, sorted. */
  public Set<String> opTypes(String domain) {
    Map<String, Operator> m = byDomain.get(Node.normalizeDomain(domain));
    return m == null ? Set.of() : new TreeSet<>(m.keySet());
  }
}
