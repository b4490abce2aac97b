package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real JNA binding of the CUDA driver API, run by the shaded agent jar against an ABI-level
 * test double ({@code src/test/c/fake_cuda.c}, built by the agent's Maven build into {@code
 * target/test-native/libcuda.so}): every GPU kind passes its arguments through, times with events
 * and reads the answers back; refusals come back as one line. The double copies host memory, so its
 * figures test the plumbing only (the GPU machine checks the numbers).
 */
class CudaDriverDoubleIT {

  @TempDir Path tmp;

  record Run(int code, String out, String err, List<String> calls) {}

  private Run agent(Map<String, String> env, String... args) throws Exception {
    Path calls = tmp.resolve("calls-" + System.nanoTime());
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("FAKE_CUDA_CALLS", calls.toString());
    AgentProcess.Result r = AgentProcess.run(tmp, true, all, List.of(args));
    return new Run(
        r.code(), r.out(), r.err(), Files.exists(calls) ? Files.readAllLines(calls) : List.of());
  }

  private static JsonNode json(Run r) throws Exception {
    assertEquals(0, r.code(), r.err());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void everyCopyKindRunsThroughTheBinding() throws Exception {
    Map<String, String> kinds =
        Map.of(
            "gpu-h2d", "cuMemcpyHtoDAsync_v2",
            "gpu-d2h", "cuMemcpyDtoHAsync_v2",
            "gpu-bidir", "cuStreamWaitEvent",
            "gpu-d2d", "cuMemcpyDtoDAsync_v2");
    for (var k : kinds.entrySet()) {
      Run r =
          agent(
              Map.of("FAKE_CUDA_BUS_IDS", "0000:00:06.0"),
              "bandwidth",
              "--kind",
              k.getKey(),
              "--size",
              "8M",
              "--repeat",
              "3",
              "--format",
              "json");
      JsonNode j = json(r);
      assertEquals(k.getKey(), j.path("kind").asText());
      assertEquals(8L << 20, j.path("bytes").asLong());
      assertEquals(3, j.path("samples").size(), r.out());
      assertTrue(j.path("measuredGBps").asDouble() > 0, r.out());
      assertTrue(r.calls().contains(k.getValue()), k + " " + r.calls());
      assertTrue(r.calls().contains("cuEventElapsedTime"), r.calls().toString());
      // every stream, event and buffer made is given back
      assertEquals(count(r, "cuStreamCreate"), count(r, "cuStreamDestroy_v2"), k.getKey());
      assertEquals(count(r, "cuEventCreate"), count(r, "cuEventDestroy_v2"), k.getKey());
      assertEquals(count(r, "cuMemAlloc_v2"), count(r, "cuMemFree_v2"), k.getKey());
      assertEquals(count(r, "cuMemHostRegister_v2"), count(r, "cuMemHostUnregister"), k.getKey());
    }
  }

  private static long count(Run r, String call) {
    return r.calls().stream().filter(call::equals).count();
  }

  @Test
  void peerCopiesOnlyWhereTheDriverAllowsThem() throws Exception {
    String ids = "0000:00:07.0,0000:00:06.0";
    Run refused =
        agent(
            Map.of("FAKE_CUDA_BUS_IDS", ids),
            "bandwidth",
            "--kind",
            "gpu-p2p",
            "--source",
            "gpu:0",
            "--target",
            "gpu:1",
            "--size",
            "4M",
            "--repeat",
            "2",
            "--format",
            "json");
    assertEquals(1, refused.code(), refused.out() + refused.err());
    String line = refused.err().strip();
    assertFalse(line.contains("\n"), line);
    assertTrue(line.toLowerCase().contains("peer"), line);
    assertFalse(refused.calls().contains("cuMemcpyPeerAsync"), refused.calls().toString());

    Run allowed =
        agent(
            Map.of("FAKE_CUDA_BUS_IDS", ids, "FAKE_CUDA_PEER", "1"),
            "bandwidth",
            "--kind",
            "gpu-p2p",
            "--source",
            "gpu:0",
            "--target",
            "gpu:1",
            "--size",
            "4M",
            "--repeat",
            "2",
            "--format",
            "json");
    assertEquals(2, json(allowed).path("samples").size());
    assertTrue(allowed.calls().contains("cuCtxEnablePeerAccess"), allowed.calls().toString());
    assertTrue(allowed.calls().contains("cuMemcpyPeerAsync"), allowed.calls().toString());
  }

  @Test
  void aDriverWithoutDevicesIsOneLineNotACrash() throws Exception {
    Run r =
        agent(
            Map.of("FAKE_CUDA_NO_DEVICE", "1"),
            "bandwidth",
            "--kind",
            "gpu-h2d",
            "--size",
            "4M",
            "--format",
            "json");
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals("", r.out());
    assertFalse(r.err().strip().contains("\n"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertTrue(r.calls().contains("cuInit"), r.calls().toString());

    Run caps =
        agent(
            Map.of("FAKE_CUDA_NO_DEVICE", "1"), "bandwidth", "--capabilities", "--format", "json");
    assertEquals(0, caps.code(), caps.err());
    JsonNode list = new ObjectMapper().readTree(caps.out());
    boolean cudaAbsent = false;
    for (JsonNode c : list) {
      if (c.path("name").asText().equals("cuda")) {
        cudaAbsent = !c.path("present").asBoolean();
      }
    }
    assertTrue(cudaAbsent, caps.out());
  }

  @Test
  void capabilitiesNameTheDevicesTheDriverHas() throws Exception {
    Run caps =
        agent(
            Map.of("FAKE_CUDA_BUS_IDS", "0000:00:07.0,0000:00:06.0"),
            "bandwidth",
            "--capabilities",
            "--format",
            "json");
    assertEquals(0, caps.code(), caps.err());
    JsonNode cuda = null;
    for (JsonNode c : new ObjectMapper().readTree(caps.out())) {
      if (c.path("name").asText().equals("cuda")) {
        cuda = c;
      }
    }
    assertTrue(cuda != null && cuda.path("present").asBoolean(), caps.out());
    assertEquals(2, cuda.path("devices").size(), caps.out());
  }
}
