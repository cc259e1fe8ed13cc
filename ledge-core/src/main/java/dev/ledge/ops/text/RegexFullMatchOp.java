package dev.ledge.ops.text;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * RegexFullMatch (opset 20): true where a string matches an RE2 pattern as a whole. The pattern is
 * compiled once by {@link Re2Regex}; RE2 features it does not implement are unsupported.
 */
final class RegexFullMatchOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.STRING);
    String pattern = ctx.attrString(ctx.requireAttr("pattern").name(), "");
    Re2Regex regex;
    try {
      regex = Re2Regex.compile(pattern);
    } catch (Re2Regex.SyntaxError e) {
      throw ctx.error("pattern '" + pattern + "' is not valid RE2 syntax: " + e.getMessage());
    } catch (Re2Regex.Unsupported e) {
      throw ctx.unsupported("pattern '" + pattern + "': " + e.getMessage());
    }
    ctx.setOutput(0, DType.BOOL, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor y = exec.outputLike(0, DType.BOOL, x);
      String[] xs = x.strings();
      byte[] ys = y.bytes();
      Re2Regex.Matcher m = regex.matcher();
      for (int i = 0; i < x.size(); i++) {
        ys[y.offset() + i] = (byte) (m.fullMatch(xs[x.offset() + i]) ? 1 : 0);
      }
    };
  }
}
