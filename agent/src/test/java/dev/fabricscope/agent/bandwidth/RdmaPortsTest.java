package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rig's real rxe port files ({@code bandwidth/rxe-sysfs}: rxe0/rxe1 with a link-local GID at 0
 * and an IPv4-mapped one at 1), and copies of them with one thing changed.
 */
class RdmaPortsTest {

  static Path rxeSysfs() {
    try {
      return Path.of(RdmaPortsTest.class.getResource("/bandwidth/rxe-sysfs").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copy(Path to) throws IOException {
    Path from = rxeSysfs();
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }

  private static final String PORT = "sys/class/infiniband/rxe0/ports/1/";

  @Test
  void portsOfTheRig() {
    List<RdmaPorts.Port> ports = new RdmaPorts(SysfsRoot.of(rxeSysfs())).ports();
    assertEquals(
        List.of(
            new RdmaPorts.Port("rxe0", 1, "Ethernet", "4: ACTIVE"),
            new RdmaPorts.Port("rxe1", 1, "Ethernet", "4: ACTIVE")),
        ports);
    assertEquals("rdma:rxe0:1", ports.get(0).endpoint());
    assertTrue(ports.get(0).active() && ports.get(0).roce());
  }

  @Test
  void ipv4MappedRoceV2GidIsChosen() throws Exception {
    RdmaPorts p = new RdmaPorts(SysfsRoot.of(rxeSysfs()));
    // gids/1 = 0000:0000:0000:0000:0000:ffff:0a4d:0001, types/1 = RoCE v2 (the rig's 10.77.0.1)
    assertEquals(
        new RdmaPorts.Gid(1, "0000:0000:0000:0000:0000:ffff:0a4d:0001", "10.77.0.1"),
        p.gid(p.port(Endpoint.parse("rdma:rxe0")).orElseThrow()).orElseThrow());
    assertEquals(
        "10.77.0.2",
        p.gid(p.port(Endpoint.parse("rdma:rxe1:1")).orElseThrow()).orElseThrow().ipv4());
  }

  @Test
  void withoutAnIpv4AddressTheLinkLocalGidIsUsed(@TempDir Path dir) throws Exception {
    Path root = copy(dir);
    Files.writeString(root.resolve(PORT + "gids/1"), "0000:0000:0000:0000:0000:0000:0000:0000\n");
    Files.delete(root.resolve(PORT + "gid_attrs/types/1"));
    RdmaPorts p = new RdmaPorts(SysfsRoot.of(root));
    assertEquals(
        new RdmaPorts.Gid(0, "fe80:0000:0000:0000:5054:00ff:fe00:0012", null),
        p.gid(p.port(Endpoint.parse("rdma:rxe0")).orElseThrow()).orElseThrow());
  }

  @Test
  void infinibandPortsTakeNoGidIndex(@TempDir Path dir) throws Exception {
    Path root = copy(dir);
    Files.writeString(root.resolve(PORT + "link_layer"), "InfiniBand\n");
    RdmaPorts p = new RdmaPorts(SysfsRoot.of(root));
    assertTrue(p.gid(p.port(Endpoint.parse("rdma:rxe0")).orElseThrow()).isEmpty());
  }

  @Test
  void roceWithoutRoceV2GidIsRefused(@TempDir Path dir) throws Exception {
    Path root = copy(dir);
    Files.writeString(root.resolve(PORT + "gid_attrs/types/0"), "IB/RoCE v1\n");
    Files.writeString(root.resolve(PORT + "gid_attrs/types/1"), "IB/RoCE v1\n");
    RdmaPorts p = new RdmaPorts(SysfsRoot.of(root));
    HelperException e =
        assertThrows(
            HelperException.class, () -> p.gid(p.port(Endpoint.parse("rdma:rxe0")).orElseThrow()));
    assertEquals("rdma:rxe0:1 has no RoCE v2 GID (is its netdev up?)", e.getMessage());
  }

  @Test
  void devicesWithUnsafeNamesAreNotOffered(@TempDir Path dir) throws Exception {
    Path root = copy(dir);
    for (String bad : List.of("-rf", "a;b", "x y", "$(id)")) {
      Files.createDirectories(root.resolve("sys/class/infiniband/" + bad + "/ports/1"));
      Files.writeString(
          root.resolve("sys/class/infiniband/" + bad + "/ports/1/state"), "4: ACTIVE");
    }
    assertEquals(
        List.of("rdma:rxe0:1", "rdma:rxe1:1"),
        new RdmaPorts(SysfsRoot.of(root)).ports().stream().map(RdmaPorts.Port::endpoint).toList());
  }

  @Test
  void noRdmaStackMeansNoPorts(@TempDir Path empty) {
    assertTrue(new RdmaPorts(SysfsRoot.of(empty)).ports().isEmpty());
  }
}
