package dev.ledge.ops.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Re2RegexTest {
  private static boolean matches(String pattern, String s) throws Exception {
    return Re2Regex.compile(pattern).fullMatch(s);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '~',
      value = {
        "abc~abc~true",
        "abc~abcd~false",
        "a*~''~true",
        "a+~''~false",
        "a{2,3}~aaa~true",
        "a{2,3}~aaaa~false",
        "a{2}~aa~true",
        "a{2,}~aaaaaa~true",
        "a{,2}~a{,2}~true",
        "a{~a{~true",
        "(a|b)*c~ababc~true",
        "(?:ab)+~ababab~true",
        "(?P<x>a)(?P<y>b)~ab~true",
        "a{02}~a{02}~true",
        "(?)a~a~true",
        "[a-c]+~abcab~true",
        "[^a-c]+~xyz~true",
        "[^a-c]+~xaz~false",
        "[]a]+~]a]~true",
        "[a-]+~-a-~true",
        "[\\w.-]+~a.b-c_9~true",
        "[[:alpha:]]+~abcXYZ~true",
        "[[:^digit:]]+~abc~true",
        "[[:^digit:]]+~ab1~false",
        "\\d+~0123~true",
        "\\d~٣~false",
        "\\w+~é~false",
        "\\S+~abc~true",
        "\\x41\\x{42}\\103~ABC~true",
        "\\Q.*\\E~.*~true",
        "\\Q.*\\E~ab~false",
        "a\\.b~a.b~true",
        "a\\.b~axb~false",
        "^abc$~abc~true",
        "\\bfoo\\b~foo~true",
        "a\\Bb~ab~true",
        "a\\bb~ab~false",
        "\\Aab\\z~ab~true",
        "(a*)*~aaa~true",
        "(a|)+b~aab~true",
        "x*?y+?~xxyy~true",
        "你好.~你好吗~true",
        "[😀-😂]+~😁😀~true",
        ".~😀~true",
        "..~😀~false",
        "(\\W|^)[\\w.\\-]{0,25}@(yahoo|gmail)\\.com(\\W|$)~account@gmail.com~true",
        "www\\.[\\w.-]+\\.\\bcom\\b~www.bbc.co.uk~false",
      })
  void fullMatch(String pattern, String input, boolean expected) throws Exception {
    String s = input.equals("''") ? "" : input;
    assertEquals(expected, matches(pattern, s), pattern + " on " + s);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a**", "a*+", "*a", "(*)", "a{1001}", "a{3,2}", "((a{100}){11})", "(a", "a)", "[a",
        "[z-a]", "\\1", "\\8", "\\k", "\\Z", "(?=a)", "(?!a)", "(?<=a)", "(?P=x)", "(?#c)",
        "(?-)", "(?s-)", "(?P<>x)", "(?P<a-b>x)", "[[:foo:]]", "\\x4", "\\x{110000}", "a\\",
      })
  void rejectsInvalidRe2(String pattern) {
    assertThrows(Re2Regex.SyntaxError.class, () -> Re2Regex.compile(pattern), pattern);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "(?i)a",
        "(?i:a)",
        "(?<n>a)",
        "(?P<a>x)(?P<a>y)",
        "(?P<é>x)",
        "\\pL",
        "\\p{Greek}",
        "[\\PL]",
        "\\C",
        "a\\E"
      })
  void reportsUnsupportedFeatures(String pattern) {
    assertThrows(Re2Regex.Unsupported.class, () -> Re2Regex.compile(pattern), pattern);
  }

  @Test
  void newlinesAndLineAnchors() throws Exception {
    assertFalse(matches("a.c", "a\nc"));
    assertTrue(matches("(?s)a.c", "a\nc"));
    assertTrue(matches("[^a]", "\n"));
    assertTrue(matches("\\D", "\n"));
    assertFalse(matches("\\s", "\u000B"));
    assertTrue(matches("\\s", "\f"));
    assertFalse(matches("abc$", "abc\n"));
    assertTrue(matches("(?m)abc$\\n", "abc\n"));
    assertTrue(matches("(?m)a\\n^b", "a\nb"));
    assertFalse(matches("a\\n^b", "a\nb"));
    assertTrue(matches("(?m:a$)\\n(?-m)b$", "a\nb"));
  }

  @Test
  void nestedRepetitionWithinTheLimitIsAccepted() throws Exception {
    assertTrue(matches("((a{10}){10}){10}", "a".repeat(1000)));
    assertFalse(matches("((a{10}){10}){10}", "a".repeat(999)));
  }

  @Test
  void pathologicalPatternsRunInLinearTime() throws Exception {
    Re2Regex re = Re2Regex.compile("(a*)*(a|b)*(a+)+c");
    String s = "a".repeat(20_000);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(re.fullMatch(s)));
  }

  /** Recorded answers of libre2 itself for random patterns and subjects. */
  @Test
  void agreesWithRecordedRe2Answers() throws Exception {
    java.util.List<String> lines;
    try (var in = Re2RegexTest.class.getResourceAsStream("re2_fullmatch_oracle.tsv")) {
      lines =
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
    int checked = 0;
    for (String line : lines) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      String pattern = unescape(f[0]);
      String subject = unescape(f[1]);
      String got;
      try {
        got = Re2Regex.compile(pattern).fullMatch(subject) ? "1" : "0";
      } catch (Re2Regex.SyntaxError e) {
        got = "E";
      } catch (Re2Regex.Unsupported e) {
        continue; // refusing is allowed; answering differently is not
      }
      assertEquals(f[2], got, () -> "pattern " + f[0] + " on " + f[1]);
      checked++;
    }
    assertTrue(checked > 2500, "checked " + checked);
  }

  private static String unescape(String s) {
    StringBuilder o = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'n' -> o.append('\n');
          case 't' -> o.append('\t');
          case '\\' -> o.append('\\');
          default -> o.append('\\').append(n);
        }
      } else {
        o.append(c);
      }
    }
    return o.toString();
  }

  @Test
  void deepNestingIsRefusedWithoutOverflowingTheStack() throws Exception {
    assertTrue(matches("(".repeat(90) + "a*" + ")*".repeat(90), "aaa"));
    assertThrows(
        Re2Regex.Unsupported.class,
        () -> Re2Regex.compile("(".repeat(100_000) + "a" + ")".repeat(100_000)));
  }

  @Test
  void hugeProgramsAreUnsupportedRatherThanGuessed() {
    assertThrows(
        Re2Regex.Unsupported.class,
        () -> Re2Regex.compile("(a{1000}){1}b{1000}c{1000}" + "d{1000}".repeat(20)));
  }
}
