package dev.ledge.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime (test scope only) as the reference for real-model tests. */
public final class OrtReference implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  public OrtReference(Path model) throws OrtException {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(1);
    session = env.createSession(model.toString(), opts);
  }

  /** Runs ORT on float32 and int64 tensors; returns float32/int64 outputs as Ledge tensors. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        Tensor t = e.getValue();
        long[] shape = t.longShape();
        feed.put(
            e.getKey(),
            switch (t.dtype()) {
              case FLOAT32 ->
                  OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape);
              case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape);
              default -> throw new IllegalArgumentException("unsupported test dtype " + t.dtype());
            });
      }
      Map<String, Tensor> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          int[] shape = toInts(t.getInfo().getShape());
          switch (t.getInfo().type) {
            case FLOAT -> {
              FloatBuffer b = t.getFloatBuffer();
              float[] a = new float[b.remaining()];
              b.get(a);
              out.put(e.getKey(), Tensor.wrap(a, shape));
            }
            case INT64 -> {
              LongBuffer b = t.getLongBuffer();
              long[] a = new long[b.remaining()];
              b.get(a);
              out.put(e.getKey(), Tensor.wrap(DType.INT64, a, 0, shape));
            }
            default ->
                throw new IllegalArgumentException("unsupported output type " + t.getInfo().type);
          }
        }
      }
      return out;
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private static int[] toInts(long[] s) {
    int[] r = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = (int) s[i];
    }
    return r;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
