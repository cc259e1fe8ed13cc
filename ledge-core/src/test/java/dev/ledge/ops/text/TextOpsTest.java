package dev.ledge.ops.text;

import static dev.ledge.testing.NodeRunner.op;
import static dev.ledge.testing.NodeRunner.strings;
import static dev.ledge.testing.NodeRunner.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeRunner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TextOpsTest {
  private static void assertError(Executable e, String... parts) {
    LedgeException ex = assertThrows(LedgeException.class, e);
    for (String p : parts) {
      assertTrue(ex.getMessage().contains(p), () -> ex.getMessage() + " lacks " + p);
    }
  }

  // ---- StringNormalizer ----

  private static NodeRunner normalizer(Tensor x) {
    return op("StringNormalizer").opset(10).input(x);
  }

  @Test
  void normalizerComparesWholeElementsIgnoringCase() {
    Tensor y =
        normalizer(strings(new int[] {1, 4}, "Monday morning", "MONDAY", "tuesday", ""))
            .attr("stopwords", List.of("monday"))
            .attr("case_change_action", "LOWER")
            .run1();
    assertArrayEquals(new int[] {1, 3}, y.shape());
    assertArrayEquals(new String[] {"monday morning", "tuesday", ""}, values(y));
  }

  @Test
  void normalizerKeepsCaseSensitiveMismatchesAndAccents() {
    Tensor y =
        normalizer(strings("Monday", "monday", "Café"))
            .attr("stopwords", List.of("monday"))
            .attr("is_case_sensitive", 1L)
            .attr("case_change_action", "UPPER")
            .attr("locale", "en_US.UTF-8")
            .run1();
    assertArrayEquals(new String[] {"MONDAY", "CAFÉ"}, values(y));
  }

  @Test
  void normalizerDroppingEverythingLeavesOneEmptyString() {
    Tensor y = normalizer(strings("a", "A")).attr("stopwords", List.of("a")).run1();
    assertArrayEquals(new int[] {1}, y.shape());
    assertArrayEquals(new String[] {""}, values(y));
  }

  @Test
  void normalizerRefusesAmbiguousCaseMappingsAndLocales() {
    assertThrows(
        UnsupportedOpException.class,
        () -> normalizer(strings("straße")).attr("case_change_action", "UPPER").run1());
    assertThrows(
        UnsupportedOpException.class,
        () -> normalizer(strings("ΟΔΟΣ")).attr("case_change_action", "LOWER").run1());
    assertThrows(
        UnsupportedOpException.class,
        () -> normalizer(strings("i")).attr("locale", "tr_TR").run1());
  }

  @Test
  void normalizerRejectsBadShapesAndActions() {
    assertError(
        () -> normalizer(strings(new int[] {2, 2}, "a", "b", "c", "d")).run1(), "[C] or [1, C]");
    assertError(
        () -> normalizer(strings("a")).attr("case_change_action", "TITLE").run1(),
        "case_change_action",
        "TITLE");
  }

  // ---- StringConcat / StringSplit / RegexFullMatch ----

  @Test
  void concatBroadcastsAndRejectsClashingShapes() {
    Tensor z =
        op("StringConcat")
            .opset(20)
            .input(strings(new int[] {2, 1}, "a", "b"))
            .input(strings("x", "y", "z"))
            .run1();
    assertArrayEquals(new int[] {2, 3}, z.shape());
    assertArrayEquals(new String[] {"ax", "ay", "az", "bx", "by", "bz"}, values(z));
    assertError(
        () ->
            op("StringConcat")
                .opset(20)
                .input(strings("a", "b"))
                .input(strings("x", "y", "z"))
                .run1(),
        "cannot be broadcast");
  }

  @Test
  void splitFollowsPythonSemantics() {
    assertArrayEquals(
        new String[] {"a", "b  c "}, StringSplitOp.splitWhitespace(" a b  c ", 1).toArray());
    assertArrayEquals(new String[] {}, StringSplitOp.splitWhitespace(" \u3000\t", 5).toArray());
    assertArrayEquals(new String[] {"a b "}, StringSplitOp.splitWhitespace("  a b ", 0).toArray());
    assertArrayEquals(
        new String[] {"", "a", "", ""}, StringSplitOp.split(",a,,", ",", 100).toArray());
    assertArrayEquals(new String[] {"a", "b,c"}, StringSplitOp.split("a,b,c", ",", 1).toArray());
    assertArrayEquals(new String[] {"", ""}, StringSplitOp.split("ab", "ab", 100).toArray());
  }

  @Test
  void splitPadsAndCounts() {
    List<Tensor> r =
        op("StringSplit")
            .opset(20)
            .attr("delimiter", "::")
            .input(strings("a::b::c", "", "d"))
            .outputs(2)
            .run();
    assertArrayEquals(new int[] {3, 3}, r.get(0).shape());
    assertArrayEquals(new String[] {"a", "b", "c", "", "", "", "d", "", ""}, values(r.get(0)));
    assertArrayEquals(new long[] {3, 1, 1}, r.get(1).longs());
    assertThrows(
        UnsupportedOpException.class,
        () ->
            op("StringSplit").opset(20).attr("maxsplit", -1L).input(strings("a")).outputs(2).run());
  }

  @Test
  void regexMatchesAndRejectsBadPatterns() {
    Tensor y =
        op("RegexFullMatch")
            .opset(20)
            .attr("pattern", "[a-z]+@[a-z]+\\.com")
            .input(strings("me@x.com", "me@x.org", "ME@x.com"))
            .run1();
    assertArrayEquals(new long[] {1, 0, 0}, y.toLongArray());
    assertError(
        () -> op("RegexFullMatch").opset(20).attr("pattern", "(?=a)").input(strings("a")).run1(),
        "not valid RE2");
    assertThrows(
        UnsupportedOpException.class,
        () -> op("RegexFullMatch").opset(20).attr("pattern", "(?i)a").input(strings("a")).run1());
    assertError(() -> op("RegexFullMatch").opset(20).input(strings("a")).run1(), "pattern");
  }

  // ---- TfIdfVectorizer ----

  private static NodeRunner tfidf(Tensor x, String mode) {
    return op("TfIdfVectorizer")
        .opset(9)
        .input(x)
        .attr("mode", mode)
        .attr("min_gram_length", 1L)
        .attr("max_gram_length", 2L)
        .attr("max_skip_count", 1L)
        .attr("ngram_counts", new long[] {0, 3})
        .attr("ngram_indexes", new long[] {0, 1, 2, 3, 4})
        .attr("pool_strings", List.of("a", "b", "c", "a", "b", "b", "c"));
  }

  @Test
  void tfidfCountsStringsWithSkipsAndWeighs() {
    Tensor x = strings(new int[] {2, 4}, "a", "b", "a", "b", "a", "x", "b", "c");
    // Row 0: a,b,a,b -> a=2 b=2; (a,b) at distance 1: 2, distance 2: 0; (b,c) 0.
    // Row 1: a,x,b,c -> a=1 b=1 c=1; (a,b): distance 2 once; (b,c): distance 1 once.
    float[] tf = tfidf(x, "TF").run1().floats();
    assertArrayEquals(new float[] {2, 2, 0, 2, 0, 1, 1, 1, 1, 1}, tf);
    float[] w = {0.5f, 1.5f, 2f, 3f, 4f};
    assertArrayEquals(
        new float[] {1, 3, 0, 6, 0, 0.5f, 1.5f, 2, 3, 4},
        tfidf(x, "TFIDF").attr("weights", w).run1().floats());
    assertArrayEquals(
        new float[] {0.5f, 1.5f, 0, 3, 0, 0.5f, 1.5f, 2, 3, 4},
        tfidf(x, "IDF").attr("weights", w).run1().floats());
    assertArrayEquals(new float[] {1, 1, 0, 1, 0, 1, 1, 1, 1, 1}, tfidf(x, "IDF").run1().floats());
  }

  @Test
  void tfidfIntegerPoolAndErrors() {
    Tensor x = Tensor.wrap(new long[] {7, 8, 7}, 3);
    Tensor y =
        op("TfIdfVectorizer")
            .opset(9)
            .input(x)
            .attr("mode", "TF")
            .attr("min_gram_length", 1L)
            .attr("max_gram_length", 1L)
            .attr("max_skip_count", 3L)
            .attr("ngram_counts", new long[] {0})
            .attr("ngram_indexes", new long[] {1, 0})
            .attr("pool_int64s", new long[] {7, 9})
            .run1();
    assertArrayEquals(new float[] {0, 2}, y.floats());
    assertError(() -> tfidf(strings("a"), "BM25").run1(), "mode", "BM25");
    assertError(() -> tfidf(Tensor.wrap(new long[] {1}, 1), "TF").run1(), "pool_strings");
    assertError(
        () -> tfidf(strings("a"), "TF").attr("ngram_counts", new long[] {0, 2}).run1(),
        "not a multiple of 2");
    assertThrows(
        UnsupportedOpException.class,
        () ->
            tfidf(strings("a"), "IDF")
                .attr("ngram_indexes", new long[] {4, 3, 2, 1, 0})
                .attr("weights", new float[] {1, 1, 1, 1, 1})
                .run1());
    assertThrows(
        UnsupportedOpException.class,
        () ->
            tfidf(strings("a"), "TF")
                .attr("pool_strings", List.of("a", "a", "c", "a", "b", "b", "c"))
                .run1());
  }
}
