package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fabricscope.security.KubernetesTokenReview.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which review answers make an agent ({@link KubernetesAgents#refusal}): only an authenticated
 * token of the agents' service account, for our audience, naming exactly one valid node. Many
 * generated answers against the rule written out plainly.
 */
class KubernetesAgentsRefusalTest {

  static final String AGENTS = "system:serviceaccount:fabric:fleet-fabricscope-agent";

  static KubernetesAgents agents() {
    KubernetesAgents a = new KubernetesAgents();
    a.configure(AGENTS, "fabricscope", 1, null);
    return a;
  }

  @Test
  void theOneGoodAnswer() {
    assertNull(
        agents()
            .refusal(new Answer(true, null, AGENTS, List.of("fabricscope"), List.of("gpu-07"))));
  }

  @Test
  void generatedAnswersAreRefusedUnlessEveryPartHolds() {
    Random r = new Random(20261206);
    List<String> users =
        List.of(
            AGENTS,
            "system:serviceaccount:fabric:default",
            "system:serviceaccount:other:fleet-fabricscope-agent",
            AGENTS + "x",
            "system:node:gpu-07",
            "");
    List<List<String>> audiences =
        List.of(
            List.of("fabricscope"),
            List.of(),
            List.of("https://kubernetes.default.svc"),
            List.of("Fabricscope"),
            List.of("api", "fabricscope"));
    List<List<String>> nodes =
        List.of(
            List.of("gpu-07"),
            List.of(),
            List.of("gpu-07", "gpu-08"),
            List.of("bad/name"),
            List.of(""),
            List.of("a".repeat(300)),
            List.of("node.example.com"));
    KubernetesAgents a = agents();
    int accepted = 0;
    for (int i = 0; i < 2_000; i++) {
      boolean authenticated = r.nextInt(4) != 0;
      String user = users.get(r.nextInt(users.size()));
      List<String> aud = audiences.get(r.nextInt(audiences.size()));
      List<String> node = nodes.get(r.nextInt(nodes.size()));
      boolean expected =
          authenticated
              && user.equals(AGENTS)
              && aud.contains("fabricscope")
              && node.size() == 1
              && (node.get(0).equals("gpu-07") || node.get(0).equals("node.example.com"));
      String refusal = a.refusal(new Answer(authenticated, "no", user, aud, new ArrayList<>(node)));
      assertEquals(expected, refusal == null, user + " " + aud + " " + node + ": " + refusal);
      accepted += expected ? 1 : 0;
    }
    assertEquals(true, accepted > 20, "the generator reaches the accepted case: " + accepted);
  }
}
