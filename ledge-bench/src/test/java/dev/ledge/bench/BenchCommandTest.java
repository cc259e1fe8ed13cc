package dev.ledge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.cli.Main;
import dev.ledge.onnx.OnnxWriter;
import dev.ledge.tensor.DType;
import dev.ledge.testing.ModelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void benchComparesWithOrtAndWritesJson() throws Exception {
    Path model = tmp.resolve("id.onnx");
    OnnxWriter.write(
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 1, 8)
            .node("Identity", "x", "y")
            .output("y")
            .build(),
        model);
    Path json = tmp.resolve("r.json");
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code =
          Main.execute(
              "bench",
              model.toString(),
              "--warmup",
              "1",
              "--runs",
              "3",
              "--compare-ort",
              "--carry",
              "y=x",
              "--json",
              json.toString());
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("ratio:"), out);
    assertTrue(out.contains("into caller outputs"), out);
    assertTrue(out.contains("memory:"), out);
    String j = Files.readString(json);
    for (String key :
        new String[] {
          "\"model\"",
          "\"threads\": 1",
          "\"load_ms\"",
          "\"median_ms\"",
          "\"p90_ms\"",
          "\"alloc_bytes_per_run\"",
          "\"alloc_bytes_per_run_into_outputs\"",
          "\"arena_bytes\"",
          "\"intermediate_bytes\"",
          "\"ort\"",
          "\"ratio\""
        }) {
      assertTrue(j.contains(key), key + " in " + j);
    }
  }
}
