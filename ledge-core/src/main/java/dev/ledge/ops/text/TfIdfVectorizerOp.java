package dev.ledge.ops.text;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.LongIntMap;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer (opset 9): counts the n-grams of a pool (of int64s or strings) in each row of a
 * {@code [C]} or {@code [N, C]} input, for n-gram lengths {@code min_gram_length..max_gram_length}
 * and items up to {@code max_skip_count} apart, and weighs the counts (TF, IDF or TFIDF).
 *
 * <p>Unigrams are counted once (skipping does not apply to them); longer n-grams once per skip
 * distance at which they occur. The pool is tokenised into dense ids at prepare time and the
 * n-grams form a trie, so a row is scanned without allocation.
 */
final class TfIdfVectorizerOp implements Operator {
  private enum Mode {
    TF,
    IDF,
    TFIDF
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ctx.requireInputType(0, DType.STRING, DType.INT32, DType.INT64);
    long minN = ctx.attrInt(required(ctx, "min_gram_length"), 0);
    long maxN = ctx.attrInt(required(ctx, "max_gram_length"), 0);
    long maxSkip = ctx.attrInt(required(ctx, "max_skip_count"), 0);
    String modeName = ctx.attrString(required(ctx, "mode"), "");
    Mode mode;
    try {
      mode = Mode.valueOf(modeName);
    } catch (IllegalArgumentException e) {
      throw ctx.error("mode is '" + modeName + "', expected TF, IDF or TFIDF");
    }
    if (minN < 1 || maxN < minN) {
      throw ctx.error(
          "min_gram_length "
              + minN
              + " and max_gram_length "
              + maxN
              + " must satisfy 1 <= min <= max");
    }
    if (maxSkip < 0) {
      throw ctx.error("max_skip_count is " + maxSkip + ", expected >= 0");
    }
    long[] counts = ctx.attrInts(required(ctx, "ngram_counts"), null);
    long[] indexes = ctx.attrInts(required(ctx, "ngram_indexes"), null);
    long[] poolInts = ctx.attrInts("pool_int64s", null);
    List<String> poolStrings = ctx.attrStrings("pool_strings", null);
    if ((poolInts == null) == (poolStrings == null)) {
      throw ctx.error("exactly one of pool_int64s and pool_strings must be given");
    }
    boolean strings = poolStrings != null;
    if (strings != (t == null ? strings : t == DType.STRING)) {
      throw ctx.error(
          "input type "
              + t
              + " does not match "
              + (strings ? "pool_strings" : "pool_int64s")
              + " (strings need pool_strings, integers pool_int64s)");
    }
    int poolSize = strings ? poolStrings.size() : poolInts.length;

    // Token ids: each distinct pool item gets a dense id.
    Map<Object, Integer> tokenIds = new HashMap<>();
    LongIntMap intTokens = new LongIntMap(Math.max(4, poolSize));
    int[] poolTokens = new int[poolSize];
    for (int i = 0; i < poolSize; i++) {
      if (strings) {
        poolTokens[i] = tokenIds.computeIfAbsent(poolStrings.get(i), k -> tokenIds.size());
      } else {
        int id = intTokens.get(poolInts[i]);
        if (id < 0) {
          id = intTokens.size();
          intTokens.put(poolInts[i], id);
        }
        poolTokens[i] = id;
      }
    }
    int vocab = strings ? tokenIds.size() : intTokens.size();

    // The trie over token ids; node 0 is the root.
    if (indexes.length == 0) {
      throw ctx.error("ngram_indexes is empty");
    }
    long outSize = 0;
    for (long v : indexes) {
      if (v < 0 || v >= Integer.MAX_VALUE - 16) {
        throw ctx.error("ngram_indexes has " + v + ", expected 0 <= index < 2^31 - 16");
      }
      outSize = Math.max(outSize, v + 1);
    }
    Trie trie = new Trie(vocab, poolSize + 1);
    int gram = 0;
    for (int k = 0; k < counts.length; k++) {
      int n = k + 1;
      long begin = counts[k];
      long end = k + 1 < counts.length ? counts[k + 1] : poolSize;
      if (begin < 0 || end < begin || end > poolSize) {
        throw ctx.error(
            "ngram_counts "
                + Arrays.toString(counts)
                + " must be non-decreasing starts within the pool of "
                + poolSize);
      }
      if (k == 0 && begin != 0) {
        throw ctx.error("ngram_counts must start at 0, got " + begin);
      }
      if ((end - begin) % n != 0) {
        throw ctx.error(
            "the pool has " + (end - begin) + " items for " + n + "-grams, not a multiple of " + n);
      }
      for (long at = begin; at < end; at += n, gram++) {
        if (gram >= indexes.length) {
          throw ctx.error(
              "ngram_indexes has " + indexes.length + " entries, fewer than the pool's n-grams");
        }
        if (n < minN || n > maxN) {
          continue;
        }
        int node = 0;
        for (int j = 0; j < n; j++) {
          node = trie.childOrAdd(node, poolTokens[(int) at + j]);
        }
        if (trie.out[node] >= 0) {
          throw ctx.unsupported(
              "the pool lists the same "
                  + n
                  + "-gram twice; which output it counts toward is not specified");
        }
        trie.out[node] = (int) indexes[gram];
      }
    }
    if (gram != indexes.length) {
      throw ctx.error(
          "ngram_indexes has "
              + indexes.length
              + " entries, but the pool has "
              + gram
              + " n-grams");
    }

    float[] weights = ctx.attrFloats("weights", null);
    if (weights != null && weights.length == 0) {
      weights = null;
    }
    if (weights != null && mode != Mode.TF) {
      // The specification indexes weights by pool n-gram, implementations by output column;
      // both agree exactly when ngram_indexes is 0, 1, 2, ...
      for (int i = 0; i < indexes.length; i++) {
        if (indexes[i] != i) {
          throw ctx.unsupported(
              "weights with ngram_indexes that are not 0, 1, 2, ...: whether a weight belongs to"
                  + " a pool n-gram or an output column is ambiguous");
        }
      }
      if (weights.length != indexes.length) {
        throw ctx.error("weights has " + weights.length + " entries, expected " + indexes.length);
      }
    }

    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      if (in.rank() > 2) {
        throw ctx.error("input has rank " + in.rank() + ", expected [C] or [N, C]");
      }
      out = in.rank() == 2 ? new Shape(List.of(in.dim(0), Dim.of(outSize))) : Shape.of(outSize);
    }
    ctx.setOutput(0, DType.FLOAT32, out);

    Plan plan =
        new Plan(
            trie,
            strings ? tokenIds : null,
            strings ? null : intTokens,
            (int) minN,
            (int) maxN,
            (int) maxSkip,
            (int) outSize,
            mode,
            weights);
    return plan::execute;
  }

  /** The name of a required attribute, after checking it is present. */
  private static String required(OpContext ctx, String name) {
    return ctx.requireAttr(name).name();
  }

  /** Everything the kernel needs; immutable after prepare. */
  private record Plan(
      Trie trie,
      Map<Object, Integer> stringTokens,
      LongIntMap intTokens,
      int minN,
      int maxN,
      int maxSkip,
      int outSize,
      Mode mode,
      float[] weights) {

    void execute(ExecContext ctx) {
      Tensor x = ctx.input(0);
      int[] shape = x.shape();
      if (shape.length > 2) {
        throw ctx.error("input shape is " + Arrays.toString(shape) + ", expected [C] or [N, C]");
      }
      int rows = shape.length == 2 ? shape[0] : 1;
      int cols = shape.length == 2 ? shape[1] : shape.length == 1 ? shape[0] : 1;
      int[] outShape = shape.length == 2 ? new int[] {rows, outSize} : new int[] {outSize};
      Tensor y = ctx.output(0, DType.FLOAT32, outShape);
      float[] ys = y.floats();
      int yo = y.offset();
      int[] tokens = new int[cols];
      int[] freq = new int[outSize];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          tokens[c] = token(x, r * cols + c);
        }
        Arrays.fill(freq, 0);
        count(tokens, freq);
        for (int o = 0; o < outSize; o++) {
          int f = freq[o];
          float w = weights == null ? 1f : weights[o];
          ys[yo + r * outSize + o] =
              switch (mode) {
                case TF -> f;
                case IDF -> f > 0 ? w : 0f;
                case TFIDF -> (float) ((double) w * f);
              };
        }
      }
    }

    private int token(Tensor x, int i) {
      if (stringTokens != null) {
        Integer id = stringTokens.get(x.getString(i));
        return id == null ? -1 : id;
      }
      return intTokens.get(x.getLong(i));
    }

    private void count(int[] tokens, int[] freq) {
      int n = tokens.length;
      int startN = minN;
      for (int distance = 1; distance <= maxSkip + 1; distance++) {
        for (int s = 0; s < n; s++) {
          int node = 0;
          for (int k = 0; k < maxN && s + k * distance < n; k++) {
            int tok = tokens[s + k * distance];
            node = tok < 0 ? -1 : trie.child(node, tok);
            if (node < 0) {
              break;
            }
            if (k + 1 >= startN && trie.out[node] >= 0) {
              freq[trie.out[node]]++;
            }
          }
        }
        if (startN == 1) {
          startN = 2; // unigrams do not depend on the skip distance: count them once
          if (startN > maxN) {
            break;
          }
        }
      }
    }
  }

  /** A trie over token ids: transitions in a hash map keyed by (node, token). */
  private static final class Trie {
    final long vocab;
    final LongIntMap edges;
    int[] out;
    int nodes = 1;

    Trie(int vocab, int maxNodes) {
      this.vocab = Math.max(1, vocab);
      this.edges = new LongIntMap(Math.max(4, maxNodes));
      this.out = new int[Math.max(1, maxNodes)];
      Arrays.fill(out, -1);
    }

    int child(int node, int token) {
      return edges.get(node * vocab + token);
    }

    int childOrAdd(int node, int token) {
      int c = child(node, token);
      if (c < 0) {
        c = nodes++;
        edges.put(node * vocab + token, c);
      }
      return c;
    }
  }
}
