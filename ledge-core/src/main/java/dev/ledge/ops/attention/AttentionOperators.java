package dev.ledge.ops.attention;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Transformer attention ops: Attention, RotaryEmbedding, LinearAttention, CausalConvWithState (all
 * ai.onnx) and FlexAttention (ai.onnx.preview).
 */
public final class AttentionOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("Attention", new AttentionOp());
    r.register("RotaryEmbedding", new RotaryEmbeddingOp());
    r.register("LinearAttention", new LinearAttentionOp());
    r.register("CausalConvWithState", new CausalConvWithStateOp());
    r.register("ai.onnx.preview", "FlexAttention", new FlexAttentionOp());
  }
}
