package dev.fabricscope.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One {@code TokenReview} ({@code POST /apis/authentication.k8s.io/v1/tokenreviews}) at the API
 * server: is this token valid for this audience, and whose is it. The server authenticates with its
 * own service-account token (read anew each time: the kubelet rotates it) and checks the API
 * server's certificate against the cluster CA. Answers are read up to 1 MiB within the timeout.
 */
final class KubernetesTokenReview implements KubernetesAgents.Reviewer {

  /** The node the API server says a pod-bound token's pod runs on (Kubernetes 1.30+). */
  static final String NODE_NAME = "authentication.kubernetes.io/node-name";

  private static final int MAX_ANSWER = 1 << 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the API server said of a token. */
  record Answer(
      boolean authenticated,
      String error,
      String username,
      List<String> audiences,
      List<String> nodeNames) {}

  /** The API server could not be asked, or answered other than a review. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI endpoint;
  private final Path tokenFile;
  private final HttpClient http;

  KubernetesTokenReview(String apiServer, Path caFile, Path tokenFile) {
    this.endpoint =
        URI.create(apiServer.replaceAll("/+$", "") + "/apis/authentication.k8s.io/v1/tokenreviews");
    this.tokenFile = tokenFile;
    HttpClient.Builder b =
        HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    if ("https".equals(endpoint.getScheme())) {
      // the cluster CA only, never the JVM's public ones; no CA file stops the server at start
      b.sslContext(trusting(caFile));
    }
    this.http = b.build();
  }

  /** Reviews {@code token} for {@code audience}. */
  @Override
  public Answer review(String token, String audience) throws Unavailable {
    ObjectNode body = JSON.createObjectNode();
    body.put("apiVersion", "authentication.k8s.io/v1");
    body.put("kind", "TokenReview");
    ObjectNode spec = body.putObject("spec");
    spec.put("token", token);
    spec.putArray("audiences").add(audience);
    String own;
    try {
      own = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new Unavailable("cannot read the server's own token " + tokenFile, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + own)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    JsonNode answer;
    int status;
    try {
      HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      try (InputStream in = r.body()) {
        byte[] bytes = in.readNBytes(MAX_ANSWER + 1);
        if (bytes.length > MAX_ANSWER) {
          throw new Unavailable("the API server's answer is larger than 1 MiB", null);
        }
        answer = status / 100 == 2 ? JSON.readTree(bytes) : null;
      }
    } catch (IOException e) {
      throw new Unavailable("cannot reach the API server at " + endpoint + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while asking the API server", e);
    }
    if (answer == null || !answer.path("status").isObject()) {
      throw new Unavailable(
          "the API server answered HTTP "
              + status
              + " to a token review (the server's service account needs to create"
              + " tokenreviews.authentication.k8s.io)",
          null);
    }
    JsonNode s = answer.path("status");
    JsonNode user = s.path("user");
    return new Answer(
        s.path("authenticated").asBoolean(false),
        s.path("error").asText(null),
        user.path("username").asText(null),
        strings(s.path("audiences")),
        strings(user.path("extra").path(NODE_NAME)));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      if (i == 0) {
        throw new IllegalStateException("no certificate in the cluster CA file " + caFile);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the cluster CA " + caFile + ": " + e, e);
    }
  }
}
