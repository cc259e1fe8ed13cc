package dev.ledge.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.ledge.LedgeException;
import dev.ledge.graph.ModelDef;
import dev.ledge.onnx.proto.OnnxProtos.ModelProto;
import dev.ledge.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ledge.onnx.proto.OnnxProtos.TensorProto;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxReaderTest {
  @TempDir Path tmp;

  private static ModelDef sample() {
    return new ModelBuilder(17)
        .input("x", DType.FLOAT32, 2)
        .initializer("w", Tensor.wrap(DType.INT4, new byte[] {(byte) 0x7F, 0x08}, 0, 3))
        .node("Constant", List.of(), List.of("c"), "value", Tensor.ofLongs(4, 5, 6))
        .node("Identity", "x", "y", "note", "keep me", "ratios", new float[] {0.5f})
        .output("y", DType.FLOAT32, 2)
        .output("c")
        .output("w")
        .build();
  }

  @Test
  void writeReadRoundTripKeepsStructureAndValues() {
    ModelDef m = sample();
    byte[] bytes = OnnxWriter.toBytes(m);
    ModelDef r = OnnxReader.read(bytes);
    assertEquals(17L, r.opsetVersion(""));
    assertEquals(2, r.graph().nodes().size());
    assertEquals("keep me", r.graph().nodes().get(1).attribute("note").asString());
    assertArrayEquals(new long[] {-1, 7, -8}, r.graph().initializers().get("w").toLongArray());
    assertArrayEquals(bytes, OnnxWriter.toBytes(r), "writing what was read gives the same bytes");
    Tensor x = Tensor.ofFloats(3, 4);
    try (Session a = Model.of(m).newSession();
        Session b = Model.of(r).newSession()) {
      Map<String, Tensor> ra = a.run(Map.of("x", x));
      Map<String, Tensor> rb = b.run(Map.of("x", x));
      for (String k : ra.keySet()) {
        assertArrayEquals(ra.get(k).toFloatArray(), rb.get(k).toFloatArray(), k);
      }
    }
  }

  @Test
  void fileWriteIsAtomicAndReadable() throws Exception {
    Path f = tmp.resolve("m.onnx");
    OnnxWriter.write(sample(), f);
    assertEquals(2, OnnxReader.read(f).graph().nodes().size());
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary files left");
    }
  }

  @Test
  void garbageAndTruncationGiveFormatErrors() {
    byte[] good = OnnxWriter.toBytes(sample());
    for (int cut : new int[] {0, 1, 7, good.length / 2, good.length - 1}) {
      byte[] t = java.util.Arrays.copyOf(good, cut);
      assertThrows(LedgeException.class, () -> Model.load(t).newSession(), "cut at " + cut);
    }
    Random rnd = new Random(1);
    byte[] junk = new byte[4096];
    rnd.nextBytes(junk);
    assertThrows(ModelFormatException.class, () -> OnnxReader.read(junk));
    assertThrows(ModelFormatException.class, () -> Model.load(tmp.resolve("missing.onnx")));
  }

  @Test
  void externalDataMustStayInsideTheModelDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.write(tmp.resolve("secret.bin"), new byte[12]);
    Files.write(dir.resolve("weights.bin"), new byte[12]);
    for (String location : new String[] {"../secret.bin", "/etc/passwd", "weights.bin"}) {
      TensorProto t =
          TensorProto.newBuilder()
              .setName("w")
              .setDataType(1)
              .addDims(3)
              .setDataLocation(TensorProto.DataLocation.EXTERNAL)
              .addExternalData(
                  StringStringEntryProto.newBuilder().setKey("location").setValue(location))
              .build();
      ModelProto p = OnnxWriter.toProto(sample());
      ModelProto withExt =
          p.toBuilder().setGraph(p.getGraph().toBuilder().addInitializer(t)).build();
      Path f = dir.resolve("m.onnx");
      Files.write(f, withExt.toByteArray());
      if (location.equals("weights.bin")) {
        assertArrayEquals(
            new float[3], OnnxReader.read(f).graph().initializers().get("w").toFloatArray());
      } else {
        LedgeException e = assertThrows(ModelFormatException.class, () -> OnnxReader.read(f));
        assertTrue(e.getMessage().contains("escapes the model directory"), e.getMessage());
      }
    }
  }

  @Test
  void absurdAndNegativeDimsAreRejectedBeforeAllocation() {
    for (long[] dims : new long[][] {{1L << 40}, {-3}, {1 << 20, 1 << 20}}) {
      TensorProto.Builder t = TensorProto.newBuilder().setName("big").setDataType(1);
      for (long d : dims) {
        t.addDims(d);
      }
      ModelProto p = OnnxWriter.toProto(sample());
      ModelProto bad = p.toBuilder().setGraph(p.getGraph().toBuilder().addInitializer(t)).build();
      LedgeException e =
          assertThrows(ModelFormatException.class, () -> OnnxReader.read(bad.toByteArray()));
      assertTrue(e.getMessage().contains("'big'"), e.getMessage());
    }
    TensorProto wrongRaw =
        TensorProto.newBuilder()
            .setName("r")
            .setDataType(1)
            .addDims(4)
            .setRawData(ByteString.copyFrom(new byte[3]))
            .build();
    LedgeException e =
        assertThrows(ModelFormatException.class, () -> TensorProtos.toTensor(wrongRaw));
    assertTrue(e.getMessage().contains("expected 16"), e.getMessage());
  }

  @Test
  void tensorProtoTypedFieldsAndRawAgree() {
    Tensor t = Tensor.wrap(DType.FLOAT16, new short[] {0x3C00, (short) 0xC000}, 0, 2);
    TensorProto raw = TensorProtos.fromTensor("h", t);
    TensorProto typed =
        TensorProto.newBuilder()
            .setDataType(10)
            .addDims(2)
            .addInt32Data(0x3C00)
            .addInt32Data(0xC000)
            .build();
    assertArrayEquals(
        TensorProtos.toTensor(raw).toFloatArray(), TensorProtos.toTensor(typed).toFloatArray());
    assertArrayEquals(new float[] {1, -2}, TensorProtos.toTensor(raw).toFloatArray());
  }
}
