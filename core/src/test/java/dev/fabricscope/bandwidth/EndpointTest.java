package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.Endpoint.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Endpoint text is helper arguments in waiting: only the documented forms pass. */
class EndpointTest {

  @Test
  void theDocumentedFormsRoundTrip() {
    assertEquals(new Endpoint(Type.NUMA, "1", null), Endpoint.parse("numa:1"));
    assertEquals(new Endpoint(Type.GPU, "7", null), Endpoint.parse("gpu:7"));
    assertEquals(new Endpoint(Type.PCI, "0000:3b:00.0", null), Endpoint.parse("0000:3b:00.0"));
    assertEquals(new Endpoint(Type.RDMA, "mlx5_0", 1), Endpoint.parse("rdma:mlx5_0"));
    assertEquals(new Endpoint(Type.RDMA, "rxe1", 2), Endpoint.parse("rdma:rxe1:2"));
    assertEquals(new Endpoint(Type.ADDRESS, "10.0.0.2", null), Endpoint.parse("addr:10.0.0.2"));
    assertEquals(new Endpoint(Type.ADDRESS, "fe80::1", null), Endpoint.parse("addr:FE80::1"));
    for (String s :
        List.of("numa:1", "gpu:7", "0000:3b:00.0", "rdma:rxe1:2", "addr:10.0.0.2", "addr:::1")) {
      assertEquals(Endpoint.parse(s), Endpoint.parse(Endpoint.parse(s).toString()));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "numa:1024",
        "gpu:64",
        "numa:-1",
        "rdma:mlx5_0:0",
        "rdma:mlx5_0:256",
        "rdma:-mlx5",
        "rdma:mlx5_0;reboot",
        "rdma:$(id)",
        "rdma:`id`",
        "rdma:mlx5\n0",
        "--output=/etc/x",
        "addr:256.1.1.1",
        "addr:10.0.0.1 -R",
        "addr:example.com",
        "addr:1::2::3",
        "addr:12345::1",
        "0000:3b:00.8",
        "0000:3b:20.0",
        "numa:0 ",
        "gpu:0\u0000",
      })
  void everythingElseIsRefusedWithOneLine(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  /** Random mutations of valid endpoints: whatever passes has only safe characters. */
  @Test
  void generatedEndpointsNeverCarryShellOrOptionCharacters() {
    Random rnd = new Random(10);
    String[] seeds = {"numa:3", "gpu:12", "0000:3b:00.0", "rdma:mlx5_0:1", "addr:10.1.2.3"};
    String alphabet = ";|&$`()<>'\"\\ \t\n\r-=*?~#!{}[]/.:,0123456789abcdefxyzGPU_";
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder(seeds[rnd.nextInt(seeds.length)]);
      int edits = 1 + rnd.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int at = rnd.nextInt(s.length() + 1);
        char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
        if (rnd.nextBoolean() && at < s.length()) {
          s.setCharAt(at, c);
        } else {
          s.insert(at, c);
        }
      }
      try {
        Endpoint e = Endpoint.parse(s.toString());
        accepted.add(s.toString());
        String name = e.name();
        assertTrue(name.matches("[A-Za-z0-9_:.]+"), s + " -> " + name);
        assertFalse(name.startsWith("-"), s.toString());
      } catch (IllegalArgumentException refused) {
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
      }
    }
    // the generator is not vacuous: some mutations stay valid (e.g. digits changed)
    assertTrue(accepted.size() > 100, "accepted " + accepted.size());
    assertTrue(accepted.size() < 19_000, "accepted " + accepted.size());
  }
}
