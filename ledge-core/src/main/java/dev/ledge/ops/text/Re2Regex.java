package dev.ledge.ops.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A regular expression in RE2 syntax, matched by a Thompson NFA (Pike VM) in time linear in the
 * input, as RE2 does. Java's {@link java.util.regex} is not used: its syntax differs from RE2 (e.g.
 * {@code $} before a final newline, Unicode classes) and it can take exponential time.
 *
 * <p>Only whole-string matching is offered, so greediness, captures and leftmost rules do not
 * matter. Supported: literals, {@code .}, character classes (ranges, negation, {@code [:alpha:]}
 * style ASCII classes), {@code \d \s \w} and their negations, escapes ({@code \a \f \t \n \r \v},
 * octal, {@code \x..}, {@code \x{...}}, escaped punctuation, {@code \Q...\E}), anchors {@code ^ $
 * \A \z \b \B}, groups (capturing, {@code (?:)}, named), alternation, repetition ({@code * + ? {n}
 * {n,} {n,m}}, lazy forms) and the flags {@code m s U}. Not implemented, and reported as {@link
 * Unsupported}: case-insensitive matching ({@code (?i)}), Unicode classes ({@code \p}), {@code \C}
 * and patterns near RE2's size limits. Patterns RE2 rejects are {@link SyntaxError}s.
 */
final class Re2Regex {
  /** The pattern is not valid RE2 syntax. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  /** The pattern may be valid RE2 but uses something this engine does not implement exactly. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** RE2's limit on a repetition count, and on nested repetition counts multiplied. */
  private static final int MAX_REPEAT = 1000;

  /**
   * Deepest group nesting accepted (RE2 allows 1000); parsing and compiling recurse per level, so
   * the limit keeps deep patterns from overflowing small thread stacks.
   */
  private static final int MAX_DEPTH = 100;

  /** Above this many NFA instructions the pattern might exceed RE2's default memory budget. */
  private static final int MAX_PROGRAM = 20_000;

  private static final int MAX_RUNE = 0x10FFFF;

  // ---- syntax tree ----------------------------------------------------------------------------

  private sealed interface Re permits Chars, Concat, Alt, Repeat, Assert {}

  /** A set of code points as sorted, disjoint, inclusive ranges {lo0, hi0, lo1, hi1, ...}. */
  private record Chars(int[] ranges) implements Re {}

  private record Concat(List<Re> items) implements Re {}

  private record Alt(List<Re> options) implements Re {}

  /** {@code max} is -1 for unbounded. */
  private record Repeat(Re sub, int min, int max) implements Re {}

  private record Assert(int kind) implements Re {}

  private static final int BEGIN_TEXT = 0;
  private static final int END_TEXT = 1;
  private static final int BEGIN_LINE = 2;
  private static final int END_LINE = 3;
  private static final int WORD_BOUNDARY = 4;
  private static final int NOT_WORD_BOUNDARY = 5;

  // ---- program --------------------------------------------------------------------------------

  private static final byte OP_CHARS = 0;
  private static final byte OP_SPLIT = 1;
  private static final byte OP_ASSERT = 2;
  private static final byte OP_MATCH = 3;

  private final byte[] op;
  private final int[] x;
  private final int[] y;
  private final int[][] sets;
  private final int start;

  private Re2Regex(byte[] op, int[] x, int[] y, int[][] sets, int start) {
    this.op = op;
    this.x = x;
    this.y = y;
    this.sets = sets;
    this.start = start;
  }

  /** Parses and compiles an RE2 pattern. */
  static Re2Regex compile(String pattern) throws SyntaxError, Unsupported {
    Parser p = new Parser(pattern);
    Re re = p.parseTop();
    Compiler c = new Compiler();
    int end = c.emit(OP_MATCH, 0, 0);
    int s = c.compile(re, end);
    return new Re2Regex(
        Arrays.copyOf(c.op, c.n),
        Arrays.copyOf(c.x, c.n),
        Arrays.copyOf(c.y, c.n),
        c.sets.toArray(int[][]::new),
        s);
  }

  /** Number of NFA instructions (for tests). */
  int programSize() {
    return op.length;
  }

  /** A matcher with its own work arrays; not thread-safe, reusable for many strings. */
  Matcher matcher() {
    return new Matcher();
  }

  /** True if the whole of {@code s} matches (allocates; see {@link #matcher()} for loops). */
  boolean fullMatch(String s) {
    return matcher().fullMatch(s);
  }

  /** Work arrays of one simulation: thread lists, visit marks and the closure stack. */
  final class Matcher {
    private int[] cur = new int[op.length];
    private int[] next = new int[op.length];
    private final int[] mark = new int[op.length];
    private final int[] stack = new int[2 * op.length + 1];
    private int gen;

    /** True if the whole of {@code s} matches. Linear in {@code s.length()}. */
    boolean fullMatch(String s) {
      if (gen > Integer.MAX_VALUE - s.length() - 2) {
        java.util.Arrays.fill(mark, 0);
        gen = 0;
      }
      gen++;
      int curLen = addClosure(cur, 0, start, s, 0);
      int pos = 0;
      int len = s.length();
      while (pos < len) {
        if (curLen == 0) {
          return false;
        }
        int c = s.codePointAt(pos);
        int after = pos + Character.charCount(c);
        gen++;
        int nextLen = 0;
        for (int i = 0; i < curLen; i++) {
          int pc = cur[i];
          if (op[pc] == OP_CHARS && contains(sets[x[pc]], c)) {
            nextLen = addClosure(next, nextLen, y[pc], s, after);
          }
        }
        int[] t = cur;
        cur = next;
        next = t;
        curLen = nextLen;
        pos = after;
      }
      for (int i = 0; i < curLen; i++) {
        if (op[cur[i]] == OP_MATCH) {
          return true;
        }
      }
      return false;
    }

    /** Adds the instructions reachable from {@code pc} without consuming input at {@code pos}. */
    private int addClosure(int[] list, int len, int pc, String s, int pos) {
      int sp = 0;
      stack[sp++] = pc;
      while (sp > 0) {
        int p = stack[--sp];
        if (mark[p] == gen) {
          continue;
        }
        mark[p] = gen;
        switch (op[p]) {
          case OP_SPLIT -> {
            stack[sp++] = y[p];
            stack[sp++] = x[p];
          }
          case OP_ASSERT -> {
            if (holds(x[p], s, pos)) {
              stack[sp++] = y[p];
            }
          }
          default -> list[len++] = p;
        }
      }
      return len;
    }
  }

  private static boolean holds(int kind, String s, int pos) {
    int len = s.length();
    int prev = pos > 0 ? s.codePointBefore(pos) : -1;
    int next = pos < len ? s.codePointAt(pos) : -1;
    return switch (kind) {
      case BEGIN_TEXT -> pos == 0;
      case END_TEXT -> pos == len;
      case BEGIN_LINE -> pos == 0 || prev == '\n';
      case END_LINE -> pos == len || next == '\n';
      case WORD_BOUNDARY -> isWord(prev) != isWord(next);
      case NOT_WORD_BOUNDARY -> isWord(prev) == isWord(next);
      default -> throw new IllegalStateException("assertion " + kind);
    };
  }

  /** RE2's word characters are ASCII only. */
  private static boolean isWord(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean contains(int[] ranges, int c) {
    int lo = 0;
    int hi = ranges.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (c < ranges[2 * mid]) {
        hi = mid - 1;
      } else if (c > ranges[2 * mid + 1]) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  // ---- compiler -------------------------------------------------------------------------------

  /** Emits instructions back to front: each piece is compiled with its continuation known. */
  private static final class Compiler {
    byte[] op = new byte[64];
    int[] x = new int[64];
    int[] y = new int[64];
    int n;
    final List<int[]> sets = new ArrayList<>();

    int emit(byte o, int a, int b) throws Unsupported {
      if (n == MAX_PROGRAM) {
        throw new Unsupported(
            "pattern compiles to more than "
                + MAX_PROGRAM
                + " instructions; RE2 might reject it for size, so Ledge does not guess");
      }
      if (n == op.length) {
        op = Arrays.copyOf(op, 2 * n);
        x = Arrays.copyOf(x, 2 * n);
        y = Arrays.copyOf(y, 2 * n);
      }
      op[n] = o;
      x[n] = a;
      y[n] = b;
      return n++;
    }

    /** Compiles {@code re} so that a match of it continues at {@code next}; returns its entry. */
    int compile(Re re, int next) throws Unsupported {
      switch (re) {
        case Chars c -> {
          sets.add(c.ranges());
          return emit(OP_CHARS, sets.size() - 1, next);
        }
        case Assert a -> {
          return emit(OP_ASSERT, a.kind(), next);
        }
        case Concat c -> {
          int at = next;
          for (int i = c.items().size() - 1; i >= 0; i--) {
            at = compile(c.items().get(i), at);
          }
          return at;
        }
        case Alt a -> {
          int at = compile(a.options().getLast(), next);
          for (int i = a.options().size() - 2; i >= 0; i--) {
            int first = compile(a.options().get(i), next);
            at = emit(OP_SPLIT, first, at);
          }
          return at;
        }
        case Repeat r -> {
          int at = next;
          if (r.max() < 0) {
            // sub* : loop = SPLIT(body -> loop, next)
            int loop = emit(OP_SPLIT, 0, next);
            int body = compile(r.sub(), loop);
            x[loop] = body;
            at = loop;
          } else {
            // (sub(sub(...)?)?)? for the optional copies, innermost first
            for (int i = r.min(); i < r.max(); i++) {
              int body = compile(r.sub(), at);
              at = emit(OP_SPLIT, body, next);
            }
          }
          for (int i = 0; i < r.min(); i++) {
            at = compile(r.sub(), at);
          }
          return at;
        }
      }
    }
  }

  // ---- parser ---------------------------------------------------------------------------------

  private static final class Flags {
    boolean multiLine;
    boolean dotNl;

    Flags copy() {
      Flags f = new Flags();
      f.multiLine = multiLine;
      f.dotNl = dotNl;
      return f;
    }
  }

  private static final class Parser {
    private final String p;
    private int i;
    private final Set<String> names = new HashSet<>();

    Parser(String pattern) {
      this.p = pattern;
    }

    Re parseTop() throws SyntaxError, Unsupported {
      Re re = parseAlt(new Flags());
      if (i < p.length()) {
        throw new SyntaxError("unexpected ) at offset " + i);
      }
      return re;
    }

    private boolean more() {
      return i < p.length();
    }

    private int peek() {
      return p.codePointAt(i);
    }

    private boolean lookingAt(String s) {
      return p.startsWith(s, i);
    }

    /** Alternatives up to a closing parenthesis (not consumed) or the end. */
    private int depth;

    private Re parseAlt(Flags flags) throws SyntaxError, Unsupported {
      if (++depth > MAX_DEPTH) {
        throw new Unsupported("groups nested more than " + MAX_DEPTH + " deep");
      }
      List<Re> options = new ArrayList<>();
      while (true) {
        options.add(parseConcat(flags));
        if (more() && peek() == '|') {
          i++;
          continue;
        }
        break;
      }
      depth--;
      return options.size() == 1 ? options.getFirst() : new Alt(options);
    }

    private Re parseConcat(Flags flags) throws SyntaxError, Unsupported {
      List<Re> items = new ArrayList<>();
      boolean lastWasRepeat = false;
      while (more()) {
        int c = peek();
        if (c == '|' || c == ')') {
          break;
        }
        if (c == '*' || c == '+' || c == '?') {
          int opStart = i;
          i++;
          if (more() && peek() == '?') {
            i++; // non-greedy: irrelevant for whole-string matching
          }
          if (lastWasRepeat) {
            throw new SyntaxError("bad repetition operator: " + p.substring(opStart - 1, i));
          }
          if (items.isEmpty()) {
            throw new SyntaxError("missing argument to repetition operator: " + (char) c);
          }
          int min = c == '+' ? 1 : 0;
          int max = c == '?' ? 1 : -1;
          items.set(items.size() - 1, repeat(items.getLast(), min, max));
          lastWasRepeat = true;
          continue;
        }
        if (c == '{') {
          int[] counts = tryParseCounts();
          if (counts != null) {
            if (more() && peek() == '?') {
              i++;
            }
            if (lastWasRepeat) {
              throw new SyntaxError("bad repetition operator at offset " + i);
            }
            if (items.isEmpty()) {
              throw new SyntaxError("missing argument to repetition operator: {");
            }
            items.set(items.size() - 1, repeat(items.getLast(), counts[0], counts[1]));
            lastWasRepeat = true;
            continue;
          }
          i++;
          items.add(literal('{'));
          lastWasRepeat = false;
          continue;
        }
        lastWasRepeat = false;
        if (c == '(') {
          Re group = parseGroup(flags);
          if (group != null) {
            items.add(group);
          }
          continue;
        }
        if (c == '\\' && lookingAt("\\Q")) {
          i += 2;
          int end = p.indexOf("\\E", i);
          String quoted = end < 0 ? p.substring(i) : p.substring(i, end);
          if (quoted.indexOf('\\') >= 0) {
            throw new Unsupported("a backslash inside \\Q...\\E is not supported");
          }
          i = end < 0 ? p.length() : end + 2;
          // Each quoted character is its own item so that a following repetition binds to the
          // last one only, as in RE2.
          for (int k = 0; k < quoted.length(); ) {
            int q = quoted.codePointAt(k);
            items.add(literal(q));
            k += Character.charCount(q);
          }
          continue;
        }
        items.add(parseAtom(flags));
      }
      return items.size() == 1 ? items.getFirst() : new Concat(items);
    }

    private Re repeat(Re sub, int min, int max) throws SyntaxError {
      Re r = new Repeat(sub, min, max);
      if ((min >= 2 || max >= 2) && budget(r, MAX_REPEAT) == 0) {
        throw new SyntaxError("bad repetition operator: nested repetition exceeds 1000");
      }
      return r;
    }

    /** RE2's check that nested repetition counts multiply to at most 1000. */
    private static int budget(Re re, int arg) {
      int a = arg;
      if (re instanceof Repeat r) {
        int m = r.max() < 0 ? r.min() : r.max();
        if (m > 0) {
          a /= m;
        }
      }
      int result = a;
      List<Re> children =
          switch (re) {
            case Concat c -> c.items();
            case Alt alt -> alt.options();
            case Repeat r -> List.of(r.sub());
            default -> List.of();
          };
      for (Re child : children) {
        result = Math.min(result, budget(child, a));
      }
      return result;
    }

    /** Parses {n}, {n,} or {n,m} at the current '{'; null (nothing consumed) if it is literal. */
    private int[] tryParseCounts() throws SyntaxError {
      int j = i + 1;
      int lo = 0;
      int digits = 0;
      while (j < p.length() && p.charAt(j) >= '0' && p.charAt(j) <= '9') {
        lo = Math.min(lo * 10 + (p.charAt(j) - '0'), 100_000);
        j++;
        digits++;
      }
      // RE2 reads no number with a leading zero ({02} is literal text).
      if (digits == 0 || j >= p.length() || (digits > 1 && p.charAt(i + 1) == '0')) {
        return null;
      }
      int hi;
      if (p.charAt(j) == '}') {
        hi = lo;
      } else if (p.charAt(j) == ',') {
        j++;
        if (j < p.length() && p.charAt(j) == '}') {
          hi = -1;
        } else {
          hi = 0;
          int d2 = 0;
          int hiStart = j;
          while (j < p.length() && p.charAt(j) >= '0' && p.charAt(j) <= '9') {
            hi = Math.min(hi * 10 + (p.charAt(j) - '0'), 100_000);
            j++;
            d2++;
          }
          if (d2 == 0
              || j >= p.length()
              || p.charAt(j) != '}'
              || (d2 > 1 && p.charAt(hiStart) == '0')) {
            return null;
          }
        }
      } else {
        return null;
      }
      if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi >= 0 && hi < lo)) {
        throw new SyntaxError("bad repetition operator: " + p.substring(i, j + 1));
      }
      i = j + 1;
      return new int[] {lo, hi};
    }

    /** Parses a group at '('; returns null for a flag-only group like (?s). */
    private Re parseGroup(Flags flags) throws SyntaxError, Unsupported {
      int open = i;
      i++;
      Flags inner = flags.copy();
      if (lookingAt("?")) {
        if (lookingAt("?<") && !lookingAt("?<=") && !lookingAt("?<!")) {
          throw new Unsupported(
              "named groups written (?<name>...) are accepted only by newer RE2 versions");
        }
        if (lookingAt("?P<")) {
          i += 3;
          int close = p.indexOf('>', i);
          if (close < 0) {
            throw new SyntaxError("invalid named capture group at offset " + open);
          }
          String name = p.substring(i, close);
          if (name.chars().anyMatch(ch -> ch >= 0x80)) {
            throw new Unsupported(
                "group name '" + name + "': RE2 versions differ on non-ASCII names");
          }
          if (name.isEmpty() || !name.chars().allMatch(Re2Regex::isWord)) {
            throw new SyntaxError("invalid named capture group name '" + name + "'");
          }
          if (!names.add(name)) {
            throw new Unsupported(
                "group name '" + name + "' is used twice: RE2 versions differ on accepting that");
          }
          i = close + 1;
        } else {
          i++;
          boolean negated = false;
          boolean any = false;
          boolean sawFlagAfterMinus = false;
          while (true) {
            if (!more()) {
              throw new SyntaxError("missing closing ) for group at offset " + open);
            }
            int c = peek();
            i++;
            switch (c) {
              case 'i' -> {
                if (!negated) {
                  throw new Unsupported("case-insensitive matching (?i) is not supported");
                }
              }
              case 'm' -> inner.multiLine = !negated;
              case 's' -> inner.dotNl = !negated;
              case 'U' -> {
                // swaps greediness: irrelevant for whole-string matching
              }
              case '-' -> {
                if (negated) {
                  throw new SyntaxError("invalid or unsupported Perl syntax at offset " + open);
                }
                negated = true;
                sawFlagAfterMinus = false;
                continue;
              }
              case ':', ')' -> {
                if (negated && !sawFlagAfterMinus) {
                  throw new SyntaxError("invalid or unsupported Perl syntax at offset " + open);
                }
                if (c == ')') {
                  // Flags for the rest of the enclosing group.
                  flags.multiLine = inner.multiLine;
                  flags.dotNl = inner.dotNl;
                  return null;
                }
                Re body = parseAlt(inner);
                expectClose(open);
                return body;
              }
              default ->
                  throw new SyntaxError(
                      "invalid or unsupported Perl syntax at offset "
                          + open
                          + " (lookarounds, backreferences and comments are not RE2)");
            }
            any = true;
            if (negated) {
              sawFlagAfterMinus = true;
            }
          }
        }
      }
      Re body = parseAlt(inner);
      expectClose(open);
      return body;
    }

    private void expectClose(int open) throws SyntaxError {
      if (!more() || peek() != ')') {
        throw new SyntaxError("missing closing ) for group at offset " + open);
      }
      i++;
    }

    private Re parseAtom(Flags flags) throws SyntaxError, Unsupported {
      int c = peek();
      switch (c) {
        case '[' -> {
          return parseClass();
        }
        case '.' -> {
          i++;
          return flags.dotNl
              ? new Chars(new int[] {0, MAX_RUNE})
              : new Chars(new int[] {0, '\n' - 1, '\n' + 1, MAX_RUNE});
        }
        case '^' -> {
          i++;
          return new Assert(flags.multiLine ? BEGIN_LINE : BEGIN_TEXT);
        }
        case '$' -> {
          i++;
          return new Assert(flags.multiLine ? END_LINE : END_TEXT);
        }
        case '\\' -> {
          return parseEscapeAtom();
        }
        default -> {
          i += Character.charCount(c);
          return literal(c);
        }
      }
    }

    private Re parseEscapeAtom() throws SyntaxError, Unsupported {
      if (i + 1 >= p.length()) {
        throw new SyntaxError("trailing \\");
      }
      int c = p.codePointAt(i + 1);
      switch (c) {
        case 'A' -> {
          i += 2;
          return new Assert(BEGIN_TEXT);
        }
        case 'z' -> {
          i += 2;
          return new Assert(END_TEXT);
        }
        case 'b' -> {
          i += 2;
          return new Assert(WORD_BOUNDARY);
        }
        case 'B' -> {
          i += 2;
          return new Assert(NOT_WORD_BOUNDARY);
        }
        case 'd', 'D', 's', 'S', 'w', 'W' -> {
          i += 2;
          return new Chars(perlClass(c));
        }
        case 'p', 'P' -> throw new Unsupported("Unicode classes (\\p, \\P) are not supported");
        case 'C' -> throw new Unsupported("\\C (any byte) is not supported");
        case 'E' -> throw new Unsupported("\\E without \\Q is not supported");
        default -> {
          return literal(parseEscapedChar());
        }
      }
    }

    /** A single-character escape at '\\' (octal, hex, control or punctuation). */
    private int parseEscapedChar() throws SyntaxError {
      int start = i;
      i++; // backslash
      if (!more()) {
        throw new SyntaxError("trailing \\");
      }
      int c = peek();
      i += Character.charCount(c);
      switch (c) {
        case '1', '2', '3', '4', '5', '6', '7' -> {
          // A lone non-zero digit would be a backreference, which RE2 rejects.
          if (!more() || peek() < '0' || peek() > '7') {
            throw new SyntaxError("invalid escape sequence " + p.substring(start, i));
          }
          return octal(c - '0');
        }
        case '0' -> {
          return octal(0);
        }
        case 'x' -> {
          return hexEscape(start);
        }
        case 'a' -> {
          return 7;
        }
        case 'f' -> {
          return '\f';
        }
        case 't' -> {
          return '\t';
        }
        case 'n' -> {
          return '\n';
        }
        case 'r' -> {
          return '\r';
        }
        case 'v' -> {
          return 0x0B;
        }
        default -> {
          if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            return c;
          }
          throw new SyntaxError("invalid escape sequence " + p.substring(start, i));
        }
      }
    }

    /** Up to two more octal digits after the first. */
    private int octal(int first) {
      int v = first;
      for (int k = 0; k < 2 && more() && peek() >= '0' && peek() <= '7'; k++) {
        v = v * 8 + (peek() - '0');
        i++;
      }
      return v;
    }

    private int hexEscape(int start) throws SyntaxError {
      if (more() && peek() == '{') {
        int close = p.indexOf('}', i);
        if (close < 0 || close == i + 1) {
          throw new SyntaxError("invalid escape sequence " + p.substring(start));
        }
        long v = 0;
        for (int k = i + 1; k < close; k++) {
          int d = Character.digit(p.charAt(k), 16);
          if (d < 0 || p.charAt(k) >= 0x80) {
            throw new SyntaxError("invalid escape sequence " + p.substring(start, close + 1));
          }
          v = v * 16 + d;
          if (v > MAX_RUNE) {
            throw new SyntaxError("invalid escape sequence " + p.substring(start, close + 1));
          }
        }
        i = close + 1;
        return (int) v;
      }
      if (i + 2 > p.length()) {
        throw new SyntaxError("invalid escape sequence " + p.substring(start));
      }
      int h1 = Character.digit(p.charAt(i), 16);
      int h2 = Character.digit(p.charAt(i + 1), 16);
      if (h1 < 0 || h2 < 0 || p.charAt(i) >= 0x80 || p.charAt(i + 1) >= 0x80) {
        throw new SyntaxError("invalid escape sequence " + p.substring(start, i + 2));
      }
      i += 2;
      return h1 * 16 + h2;
    }

    private Re parseClass() throws SyntaxError, Unsupported {
      int open = i;
      i++; // [
      boolean negate = false;
      if (more() && peek() == '^') {
        negate = true;
        i++;
      }
      RangeSet set = new RangeSet();
      boolean first = true;
      while (true) {
        if (!more()) {
          throw new SyntaxError("missing closing ] for class at offset " + open);
        }
        int c = peek();
        if (c == ']' && !first) {
          i++;
          break;
        }
        first = false;
        if (c == '[' && lookingAt("[:")) {
          int close = p.indexOf(":]", i + 2);
          if (close >= 0) {
            String name = p.substring(i + 2, close);
            boolean neg = name.startsWith("^");
            int[] cls = posixClass(neg ? name.substring(1) : name);
            if (cls == null) {
              throw new SyntaxError("invalid character class range: [:" + name + ":]");
            }
            set.add(neg ? complement(cls) : cls);
            i = close + 2;
            continue;
          }
        }
        if (c == '\\' && i + 1 < p.length()) {
          int e = p.charAt(i + 1);
          if (e == 'd' || e == 'D' || e == 's' || e == 'S' || e == 'w' || e == 'W') {
            set.add(perlClass(e));
            i += 2;
            continue;
          }
          if (e == 'p' || e == 'P') {
            throw new Unsupported("Unicode classes (\\p, \\P) are not supported");
          }
        }
        int lo = classChar();
        int hi = lo;
        if (more() && peek() == '-' && i + 1 < p.length() && p.charAt(i + 1) != ']') {
          i++;
          if (peek() == '\\' && i + 1 < p.length() && "dDsSwWpP".indexOf(p.charAt(i + 1)) >= 0) {
            throw new SyntaxError("bad character class range at offset " + i);
          }
          hi = classChar();
          if (hi < lo) {
            throw new SyntaxError(
                "bad character class range " + new String(Character.toChars(lo)) + "-" + hi);
          }
        }
        set.add(new int[] {lo, hi});
      }
      int[] ranges = set.toRanges();
      return new Chars(negate ? complement(ranges) : ranges);
    }

    private int classChar() throws SyntaxError {
      int c = peek();
      if (c == '\\') {
        return parseEscapedChar();
      }
      i += Character.charCount(c);
      return c;
    }
  }

  // ---- character sets -------------------------------------------------------------------------

  private static Chars literal(int c) {
    return new Chars(new int[] {c, c});
  }

  private static int[] perlClass(int c) {
    int[] base =
        switch (Character.toLowerCase(c)) {
          case 'd' -> new int[] {'0', '9'};
          case 's' -> new int[] {'\t', '\n', '\f', '\r', ' ', ' '};
          case 'w' -> new int[] {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
          default -> throw new IllegalArgumentException("class " + (char) c);
        };
    return Character.isUpperCase(c) ? complement(base) : base;
  }

  private static int[] posixClass(String name) {
    RangeSet s = new RangeSet();
    switch (name) {
      case "alnum" -> s.add(new int[] {'0', '9', 'A', 'Z', 'a', 'z'});
      case "alpha" -> s.add(new int[] {'A', 'Z', 'a', 'z'});
      case "ascii" -> s.add(new int[] {0, 0x7F});
      case "blank" -> s.add(new int[] {'\t', '\t', ' ', ' '});
      case "cntrl" -> s.add(new int[] {0, 0x1F, 0x7F, 0x7F});
      case "digit" -> s.add(new int[] {'0', '9'});
      case "graph" -> s.add(new int[] {'!', '~'});
      case "lower" -> s.add(new int[] {'a', 'z'});
      case "print" -> s.add(new int[] {' ', '~'});
      case "punct" -> s.add(new int[] {'!', '/', ':', '@', '[', '`', '{', '~'});
      case "space" -> s.add(new int[] {'\t', '\r', ' ', ' '});
      case "upper" -> s.add(new int[] {'A', 'Z'});
      case "word" -> s.add(new int[] {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'});
      case "xdigit" -> s.add(new int[] {'0', '9', 'A', 'F', 'a', 'f'});
      default -> {
        return null;
      }
    }
    return s.toRanges();
  }

  private static int[] complement(int[] ranges) {
    List<Integer> r = new ArrayList<>();
    int next = 0;
    for (int k = 0; k < ranges.length; k += 2) {
      if (ranges[k] > next) {
        r.add(next);
        r.add(ranges[k] - 1);
      }
      next = ranges[k + 1] + 1;
    }
    if (next <= MAX_RUNE) {
      r.add(next);
      r.add(MAX_RUNE);
    }
    return r.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Accumulates ranges; {@link #toRanges} sorts and merges them. */
  private static final class RangeSet {
    private final List<int[]> pairs = new ArrayList<>();

    void add(int[] ranges) {
      for (int k = 0; k < ranges.length; k += 2) {
        pairs.add(new int[] {ranges[k], ranges[k + 1]});
      }
    }

    int[] toRanges() {
      pairs.sort((a, b) -> Integer.compare(a[0], b[0]));
      List<Integer> out = new ArrayList<>();
      for (int[] pr : pairs) {
        int n = out.size();
        if (n > 0 && pr[0] <= out.get(n - 1) + 1) {
          out.set(n - 1, Math.max(out.get(n - 1), pr[1]));
        } else {
          out.add(pr[0]);
          out.add(pr[1]);
        }
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
