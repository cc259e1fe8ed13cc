package dev.ledge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.ledge.LedgeException;
import dev.ledge.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime configured as its Java users would run it for latency: all graph optimizations,
 * sequential execution, the given intra-op thread count. A run wraps the inputs, runs, and copies
 * every output into a Java array, as a Java caller must.
 */
final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  OrtRunner(Path model, int threads) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    o.setIntraOpNumThreads(threads);
    o.setInterOpNumThreads(1);
    // Warnings about the model (unused initializers in the light models) would flood the output.
    o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    session = env.createSession(model.toString(), o);
  }

  static String version() {
    return OrtEnvironment.getEnvironment().getVersion();
  }

  /** One timed call: wrap inputs, run, extract outputs. Returns a checksum to keep work alive. */
  double run(Map<String, Tensor> inputs) throws OrtException {
    return run(inputs, Map.of());
  }

  /**
   * As {@link #run(Map)}, and each output named in {@code carry} (output to input name) is
   * extracted as a float32 tensor and put into {@code inputs} for the next call.
   */
  double run(Map<String, Tensor> inputs, Map<String, String> carry) throws OrtException {
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    Map<String, Tensor> carried = new LinkedHashMap<>();
    double sum = 0;
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        feed.put(e.getKey(), wrap(e.getValue()));
      }
      try (OrtSession.Result r = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          if (e.getValue() instanceof OnnxTensor t) {
            String to = carry.get(e.getKey());
            if (to != null) {
              if (t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new LedgeException(
                    "--carry supports float32 outputs, '" + e.getKey() + "' is not");
              }
              long[] ls = t.getInfo().getShape();
              int[] shape = new int[ls.length];
              for (int i = 0; i < ls.length; i++) {
                shape[i] = Math.toIntExact(ls[i]);
              }
              FloatBuffer fb = t.getFloatBuffer();
              float[] data = new float[fb.remaining()];
              fb.get(data);
              sum += data.length == 0 ? 0 : data[0];
              carried.put(to, Tensor.wrap(data, shape));
              continue;
            }
            ByteBuffer b = t.getByteBuffer();
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            sum += copy.length == 0 ? 0 : copy[0];
          }
        }
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
    inputs.putAll(carried);
    return sum;
  }

  private OnnxTensor wrap(Tensor t) throws OrtException {
    long[] shape = t.longShape();
    return switch (t.dtype()) {
      case FLOAT32 ->
          OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats(), t.offset(), t.size()), shape);
      case INT64 ->
          OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs(), t.offset(), t.size()), shape);
      case INT32 ->
          OnnxTensor.createTensor(env, IntBuffer.wrap(t.ints(), t.offset(), t.size()), shape);
      default ->
          throw new LedgeException(
              "--compare-ort supports float32, int32 and int64 inputs, not " + t.dtype());
    };
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
