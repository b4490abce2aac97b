package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review talks TLS to the API server and trusts only the cluster CA of its {@code ca-file}: an
 * API server whose certificate another CA signed (a man in the middle) is not asked. Certificates
 * made here with the JDK's {@code keytool}.
 */
class KubernetesTokenReviewTlsTest {

  @TempDir Path dir;
  HttpsServer server;
  Path token;

  @BeforeEach
  void start() throws Exception {
    certificate("api");
    certificate("other"); // the same name and address, another key: a man in the middle
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(ks("api")))) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext(
        "/apis/authentication.k8s.io/v1/tokenreviews",
        x -> {
          byte[] b =
              ("{\"status\":{\"authenticated\":true,\"audiences\":[\"fabricscope\"],\"user\":"
                      + "{\"username\":\"u\",\"extra\":{\"authentication.kubernetes.io/node-name\":"
                      + "[\"gpu-01\"]}}}}")
                  .getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(201, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    server.start();
    token = dir.resolve("token");
    Files.writeString(token, "reviewer");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theClusterCaIsTrustedAndNoOtherOne() throws Exception {
    String url = "https://127.0.0.1:" + server.getAddress().getPort();
    var trusted = new KubernetesTokenReview(url, dir.resolve("api.pem"), token);
    assertEquals(List.of("gpu-01"), trusted.review("a.b.c", "fabricscope").nodeNames());
    var other = new KubernetesTokenReview(url, dir.resolve("other.pem"), token);
    var e =
        assertThrows(
            KubernetesTokenReview.Unavailable.class, () -> other.review("a.b.c", "fabricscope"));
    assertTrue(e.getMessage().contains("cannot reach the API server"), e.getMessage());
    // no CA file: refused at once, not the JVM's public CAs instead
    var missing =
        assertThrows(
            IllegalStateException.class,
            () -> new KubernetesTokenReview(url, dir.resolve("none.pem"), token));
    assertTrue(missing.getMessage().contains("cannot read the cluster CA"), missing.getMessage());
  }

  /** A self-signed certificate for 127.0.0.1 in {@code NAME.p12}, exported to {@code NAME.pem}. */
  private void certificate(String name) throws Exception {
    String store = ks(name);
    String pem = dir.resolve(name + ".pem").toString();
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        store);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store, "-file", pem);
  }

  private String ks(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12", "-noprompt"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }
}
