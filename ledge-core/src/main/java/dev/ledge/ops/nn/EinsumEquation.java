package dev.ledge.ops.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A parsed Einsum equation: one term per operand and the output term, each a list of labels where
 * {@link #ELLIPSIS} stands for "...". Labels are the letters a-z and A-Z. Without "->" the output
 * is implicit: the ellipsis (if any operand has one) followed by the labels that occur exactly
 * once, in ASCII order (upper case first), as numpy orders them.
 *
 * @param inputs one term per operand
 * @param output the output term
 */
record EinsumEquation(List<int[]> inputs, int[] output) {
  /** The label of an ellipsis in a term. */
  static final int ELLIPSIS = -1;

  /** Parses an equation; throws IllegalArgumentException with the reason if it is malformed. */
  static EinsumEquation parse(String equation) {
    String eq = equation.replace(" ", "").replace("\t", "");
    int arrow = eq.indexOf("->");
    String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
    String rhs = arrow < 0 ? null : eq.substring(arrow + 2);
    if (rhs != null && rhs.contains("->")) {
      throw new IllegalArgumentException("more than one '->'");
    }
    List<int[]> inputs = new ArrayList<>();
    for (String term : lhs.split(",", -1)) {
      inputs.add(term(term));
    }
    int[] output;
    if (rhs != null) {
      output = term(rhs);
      for (int i = 0; i < output.length; i++) {
        for (int j = i + 1; j < output.length; j++) {
          if (output[i] == output[j]) {
            throw new IllegalArgumentException(
                "output label '" + label(output[i]) + "' appears twice");
          }
        }
        if (output[i] != ELLIPSIS && !appears(inputs, output[i])) {
          throw new IllegalArgumentException(
              "output label '" + label(output[i]) + "' is in no input");
        }
      }
    } else {
      boolean ellipsis = false;
      int[] counts = new int[128];
      for (int[] t : inputs) {
        for (int l : t) {
          if (l == ELLIPSIS) {
            ellipsis = true;
          } else {
            counts[l]++;
          }
        }
      }
      TreeSet<Integer> once = new TreeSet<>();
      for (int l = 0; l < counts.length; l++) {
        if (counts[l] == 1) {
          once.add(l);
        }
      }
      output = new int[once.size() + (ellipsis ? 1 : 0)];
      int k = 0;
      if (ellipsis) {
        output[k++] = ELLIPSIS;
      }
      for (int l : once) {
        output[k++] = l;
      }
    }
    return new EinsumEquation(inputs, output);
  }

  private static boolean appears(List<int[]> inputs, int label) {
    for (int[] t : inputs) {
      for (int l : t) {
        if (l == label) {
          return true;
        }
      }
    }
    return false;
  }

  private static int[] term(String s) {
    List<Integer> labels = new ArrayList<>();
    boolean ellipsis = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (ellipsis || !s.startsWith("...", i)) {
          throw new IllegalArgumentException("malformed ellipsis in term '" + s + "'");
        }
        ellipsis = true;
        labels.add(ELLIPSIS);
        i += 2;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        labels.add((int) c);
      } else {
        throw new IllegalArgumentException("unexpected character '" + c + "' in term '" + s + "'");
      }
    }
    return labels.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The number of labels (not counting an ellipsis) of a term. */
  static int labelCount(int[] term) {
    int n = 0;
    for (int l : term) {
      if (l != ELLIPSIS) {
        n++;
      }
    }
    return n;
  }

  /** True if the term has an ellipsis. */
  static boolean hasEllipsis(int[] term) {
    return labelCount(term) != term.length;
  }

  static String label(int l) {
    return l == ELLIPSIS ? "..." : String.valueOf((char) l);
  }
}
