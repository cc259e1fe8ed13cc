package dev.ledge.ops.text;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * String operators of the default ONNX domain: StringNormalizer, StringConcat, StringSplit,
 * RegexFullMatch (RE2 syntax, matched by Ledge's own linear-time engine) and TfIdfVectorizer.
 */
public final class TextOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("StringNormalizer", new StringNormalizerOp());
    r.register("StringConcat", new StringConcatOp());
    r.register("StringSplit", new StringSplitOp());
    r.register("RegexFullMatch", new RegexFullMatchOp());
    r.register("TfIdfVectorizer", new TfIdfVectorizerOp());
  }
}
