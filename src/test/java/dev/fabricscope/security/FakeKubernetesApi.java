package dev.fabricscope.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kubernetes API server that answers {@code TokenReview}s the way the real one does (the shape of
 * {@code authentication.k8s.io/v1}: a token valid for none of the asked audiences is not
 * authenticated; a pod-bound token's user has the node name in {@code extra}), for a fixed set of
 * tokens. It requires the reviewer's own token as the real one requires a credential. {@code GET
 * /calls} counts reviews; {@code POST /mode/forbidden} makes it refuse reviews (403) as it does
 * when the reviewer lacks RBAC, {@code POST /mode/normal} undoes that.
 */
public class FakeKubernetesApi implements QuarkusTestResourceLifecycleManager {

  /** The server's own service-account token, as its token file holds it. */
  static final String REVIEWER = "reviewer-sa-token";

  static final String AGENTS = "system:serviceaccount:fabric:fleet-fabricscope-agent";

  /** A token the fake knows: who, for which audience, bound to which node (null: none). */
  record Known(String user, String audience, String node) {}

  /** A JWT-shaped token whose payload says what a kubelet's token says; the signature is fake. */
  static String jwt(String audience, long exp, String node) {
    String payload =
        "{\"aud\":[\""
            + audience
            + "\"],\"exp\":"
            + exp
            + ",\"kubernetes.io\":{\"namespace\":\"fabric\",\"node\":{\"name\":\""
            + node
            + "\"}}}";
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(("sig-" + node + "-" + audience).getBytes(StandardCharsets.UTF_8));
  }

  /** Far ahead and fixed: the tokens must be the same strings wherever this class loads. */
  static final long LATER = 4_102_444_800L; // 2100-01-01

  static final String NODE_A = jwt("fabricscope", LATER, "k8s-node-a");
  static final String NODE_B = jwt("fabricscope", LATER, "k8s-node-b");
  static final String OTHER_ACCOUNT = jwt("fabricscope", LATER, "other-account");
  static final String OTHER_AUDIENCE = jwt("https://kubernetes.default.svc", LATER, "k8s-node-a");
  static final String NO_NODE = jwt("fabricscope", LATER, "no-node");

  /**
   * A token whose {@code exp} has passed (fixed, so the test and this server, which may load this
   * class twice, build the same one); this fake approves it anyway, so only the server's own bound
   * keeps it from being trusted from a cache.
   */
  static final String EXPIRED = jwt("fabricscope", 1_000_000, "k8s-node-c");

  /** Claims all the right things, but no API server issued it. */
  static final String FORGED = jwt("fabricscope", LATER, "k8s-node-z");

  static final Map<String, Known> TOKENS =
      Map.of(
          NODE_A, new Known(AGENTS, "fabricscope", "k8s-node-a"),
          NODE_B, new Known(AGENTS, "fabricscope", "k8s-node-b"),
          OTHER_ACCOUNT, new Known("system:serviceaccount:fabric:default", "fabricscope", "n1"),
          OTHER_AUDIENCE, new Known(AGENTS, "https://kubernetes.default.svc", "k8s-node-a"),
          NO_NODE, new Known(AGENTS, "fabricscope", null),
          EXPIRED, new Known(AGENTS, "fabricscope", "k8s-node-c"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean forbidden;
  private Path tokenFile;

  @Override
  public Map<String, String> start() {
    try {
      tokenFile = Files.createTempFile("reviewer", ".token");
      Files.writeString(tokenFile, REVIEWER + "\n");
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/apis/authentication.k8s.io/v1/tokenreviews", this::review);
      server.createContext("/calls", x -> send(x, 200, String.valueOf(calls.get())));
      server.createContext(
          "/mode",
          x -> {
            forbidden = x.getRequestURI().getPath().endsWith("/forbidden");
            send(x, 200, "ok");
          });
      server.start();
      return Map.of(
          "fabricscope.kubernetes.agent-service-account",
          "fabric/fleet-fabricscope-agent",
          "fabricscope.kubernetes.api-server",
          "http://127.0.0.1:" + server.getAddress().getPort(),
          "fabricscope.kubernetes.token-file",
          tokenFile.toString(),
          "fabricscope.kubernetes.ca-file",
          tokenFile.resolveSibling("no-such-ca.crt").toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (tokenFile != null) {
      try {
        Files.deleteIfExists(tokenFile);
      } catch (IOException ignored) {
        // a test's temporary file; nothing more to do
      }
    }
  }

  private void review(HttpExchange x) throws IOException {
    if (!"POST".equals(x.getRequestMethod())) {
      send(x, 405, "{}");
      return;
    }
    if (!("Bearer " + REVIEWER).equals(x.getRequestHeaders().getFirst("Authorization"))) {
      send(x, 401, "{\"kind\":\"Status\",\"code\":401}");
      return;
    }
    calls.incrementAndGet();
    if (forbidden) {
      send(x, 403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}");
      return;
    }
    JsonNode spec = JSON.readTree(x.getRequestBody()).path("spec");
    Known k = TOKENS.get(spec.path("token").asText());
    List<String> asked = JSON.convertValue(spec.path("audiences"), List.class);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
    ObjectNode status = answer.putObject("status");
    if (k == null || asked == null || !asked.contains(k.audience())) {
      status.put("authenticated", false);
      status.put("error", k == null ? "invalid bearer token" : "token audiences are invalid");
    } else {
      status.put("authenticated", true);
      status.putArray("audiences").add(k.audience());
      ObjectNode user = status.putObject("user");
      user.put("username", k.user());
      ObjectNode extra = user.putObject("extra");
      extra.putArray("authentication.kubernetes.io/pod-name").add("agent-xyz");
      if (k.node() != null) {
        extra.putArray("authentication.kubernetes.io/node-name").add(k.node());
      }
    }
    send(x, 201, answer.toString());
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }
}
