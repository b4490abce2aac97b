package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** nvme-read specs and concurrent flows: what fits is kept, anything else is refused by field. */
class ConcurrentFlowsSpecTest {

  private static BandwidthSpec nvme(String source, String target, List<BandwidthFlow> more) {
    return BandwidthSpec.of(
        BandwidthKind.NVME_READ,
        Endpoint.parse(source),
        Endpoint.parse(target),
        64L << 20,
        5,
        null,
        1,
        false,
        more);
  }

  private static BandwidthFlow flow(String text) {
    return BandwidthFlow.parse(text);
  }

  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void twoControllersToNodeZeroAreTwoFlowsTheTestsOwnFirst() {
    BandwidthSpec s = nvme("pci:0000:03:00.0", "numa:0", List.of(flow("0000:04:00.0=numa:0")));
    assertEquals(List.of(flow("0000:03:00.0=numa:0"), flow("0000:04:00.0=numa:0")), s.flows());
    assertEquals("0000:03:00.0", s.source().toString()); // pci: is read, not written
  }

  @Test
  void oneFlowHasNoConcurrentFlows() {
    assertTrue(nvme("0000:03:00.0", "numa:0", null).concurrent().isEmpty());
    assertEquals(1, nvme("0000:03:00.0", "numa:0", List.of()).flows().size());
  }

  @Test
  void nvmeReadTakesAControllerAndANode() {
    assertTrue(refusal(() -> nvme("numa:0", "numa:0", null)).startsWith("source"));
    assertTrue(refusal(() -> nvme("0000:03:00.0", "gpu:0", null)).startsWith("target"));
  }

  @Test
  void kindsOfOneFlowRefuseConcurrentFlows() {
    String why =
        refusal(
            () ->
                BandwidthSpec.of(
                    BandwidthKind.GPU_H2D,
                    Endpoint.numa(0),
                    Endpoint.gpu(0),
                    4096,
                    1,
                    null,
                    1,
                    false,
                    List.of(flow("numa:0=gpu:1"))));
    assertTrue(why.startsWith("concurrent: only nvme-read and host-memcpy"), why);
  }

  @Test
  void hostMemcpyTakesConcurrentCopies() {
    BandwidthSpec s =
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(0),
            4096,
            1,
            null,
            1,
            false,
            List.of(flow("numa:0=numa:0")));
    assertEquals(2, s.flows().size());
  }

  @Test
  void concurrentFlowsRunOneThreadEach() {
    String why =
        refusal(
            () ->
                BandwidthSpec.of(
                    BandwidthKind.HOST_MEMCPY,
                    Endpoint.numa(0),
                    Endpoint.numa(0),
                    4096,
                    1,
                    null,
                    4,
                    false,
                    List.of(flow("numa:0=numa:0"))));
    assertTrue(why.startsWith("threads: concurrent flows"), why);
  }

  @Test
  void atMostSixteenFlowsInAll() {
    List<BandwidthFlow> fifteen = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      fifteen.add(flow(String.format("0000:%02x:00.0=numa:0", 0x10 + i)));
    }
    assertEquals(16, nvme("0000:03:00.0", "numa:0", fifteen).flows().size());
    fifteen.add(flow("0000:7f:00.0=numa:0"));
    assertTrue(
        refusal(() -> nvme("0000:03:00.0", "numa:0", fifteen))
            .startsWith("concurrent: at most 15"));
  }

  @Test
  void oneControllerIsOneFlow() {
    assertTrue(
        refusal(() -> nvme("0000:03:00.0", "numa:0", List.of(flow("0000:03:00.0=numa:1"))))
            .startsWith("concurrent[0].source"));
  }

  @Test
  void aConcurrentFlowMustFitTheKind() {
    assertTrue(
        refusal(() -> nvme("0000:03:00.0", "numa:0", List.of(flow("numa:1=numa:0"))))
            .startsWith("concurrent[0].source"));
    assertTrue(
        refusal(() -> nvme("0000:03:00.0", "numa:0", List.of(flow("0000:04:00.0=rdma:mlx5_0"))))
            .startsWith("concurrent[0].target"));
  }

  @Test
  void hostileFlowTextIsRefused() {
    for (String bad :
        List.of(
            "0000:04:00.0;reboot=numa:0",
            "0000:04:00.0=numa:0=numa:1",
            "$(id)=numa:0",
            "`id`=numa:0",
            "0000:04:00.0\n=numa:0",
            "--output=/etc/x",
            "0000:04:00.0=numa:1024",
            "pci:../../dev/sda=numa:0",
            "/dev/nvme0n1=numa:0",
            "0000:04:00.0",
            "")) {
      assertThrows(IllegalArgumentException.class, () -> flow(bad), bad);
    }
  }

  @Test
  void generatedFlowTextIsEitherAFlowThatPrintsBackOrRefused() {
    Random rnd = new Random(13);
    String[] sources = {"0000:04:00.0", "pci:0000:81:00.0", "0000:3b:00.7", "numa:1", "gpu:2"};
    String[] inserts = {";", "$(", "`", "\n", " ", "--", "=", "/", "..", "\u0000", "'"};
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b =
          new StringBuilder(sources[rnd.nextInt(sources.length)])
              .append('=')
              .append("numa:")
              .append(rnd.nextInt(1100));
      if (rnd.nextInt(3) == 0) {
        b.insert(rnd.nextInt(b.length() + 1), inserts[rnd.nextInt(inserts.length)]);
      }
      String text = b.toString();
      BandwidthFlow f;
      try {
        f = flow(text);
        // a flow that parsed must also fit nvme-read's types to run, as a spec checks
        nvme("0000:01:00.0", "numa:0", List.of(f));
      } catch (IllegalArgumentException e) {
        refused++;
        continue;
      }
      accepted++;
      // what is accepted reads back the same and holds nothing a command line could misread
      assertEquals(f, flow(f.toString()), text);
      assertTrue(
          f.toString().matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]=numa:[0-9]+"), text);
      assertTrue(f.target().index() <= 1023, text);
    }
    assertTrue(accepted > 1000 && refused > 1000, accepted + " accepted, " + refused + " refused");
  }
}
