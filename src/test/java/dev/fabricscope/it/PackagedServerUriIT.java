package dev.fabricscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.RawHttp;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, started as the README starts it (its own main, {@code ServerMain}), answers
 * a URI that {@link java.net.URI} refuses with a 400 problem, not Quarkus's empty 400: the
 * {@code @QuarkusTest}s get the same setting from the build, so only a real process shows that the
 * main sets it.
 */
class PackagedServerUriIT {

  @TempDir Path tmp;

  @Test
  void invalidUrisAreProblems() throws Exception {
    try (ServerProcess server = new ServerProcess(tmp.resolve("data"), List.of()).start()) {
      int port = URI.create(server.url()).getPort();
      for (String target : List.of("/%zz", "/api/v1/hosts/%zz", "/api/v1/hosts?name=a|b")) {
        RawHttp.Answer a = RawHttp.send(port, "GET", target, "", null);
        assertEquals(400, a.status(), target + ": " + a.body());
        assertEquals("application/problem+json", a.contentType(), target);
        assertTrue(a.body().contains("\"status\":400"), target + ": " + a.body());
      }
    }
  }
}
