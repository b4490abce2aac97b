package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Host names into paths: every character that means something in a URL is escaped. */
class HostPathsTest {

  @Test
  void aSpaceIsPercentTwentyNotPlusAndAPlusIsEscaped() {
    assertEquals("a%20b%2Bc", HostPaths.encode("a b+c"));
    assertEquals("/hosts/gpu%20node%2B1", HostPaths.page("gpu node+1"));
    assertEquals("/api/v1/hosts/gpu%20node%2B1", HostPaths.api("gpu node+1"));
  }

  /** What would end the segment or start a query or fragment stays inside the one segment. */
  @Test
  void aHostileNameStaysOneSegmentAndReadsBackWhole() {
    String name = "../x/y?z=1#top&é 中";
    String path = HostPaths.page(name);
    assertEquals("/hosts/..%2Fx%2Fy%3Fz%3D1%23top%26%C3%A9%20%E4%B8%AD", path);
    URI u = URI.create(path);
    assertEquals(null, u.getRawQuery());
    assertEquals(null, u.getRawFragment());
    assertEquals("/hosts/" + name, u.getPath());
  }
}
