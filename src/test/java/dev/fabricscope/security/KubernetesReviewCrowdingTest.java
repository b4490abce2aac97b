package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Forged tokens must not keep known agents out. A review saw that anyone could send unique forged
 * JWTs shaped like kubelet tokens: each held one of the 8 review places for an API-server round
 * trip, and an agent whose 60 s approval ran out then got 503s for as long as that went on. Tokens
 * approved before are now renewed on places of their own.
 */
class KubernetesReviewCrowdingTest {

  static final String AGENTS = KubernetesAgentsRefusalTest.AGENTS;

  @Test
  void aKnownAgentRenewsWhileForgedTokensHoldEveryReviewPlace() throws Exception {
    String agent = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "crowd-node");
    CountDownLatch held = new CountDownLatch(KubernetesAgents.MAX_REVIEWS);
    CountDownLatch release = new CountDownLatch(1);
    KubernetesAgents agents = new KubernetesAgents();
    // approvals run out at once (1 ns), so the agent's next request is a renewal
    agents.configure(
        AGENTS,
        "fabricscope",
        1,
        (token, audience) -> {
          if (token.equals(agent)) {
            return new KubernetesTokenReview.Answer(
                true, null, AGENTS, List.of("fabricscope"), List.of("crowd-node"));
          }
          held.countDown();
          try {
            release.await(30, TimeUnit.SECONDS); // a slow API server, kept busy by forgeries
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new KubernetesTokenReview.Answer(false, "invalid bearer token", null, null, null);
        });
    assertNotNull(agents.review(agent).caller(), "approved the first time");

    ExecutorService pool = Executors.newFixedThreadPool(KubernetesAgents.MAX_REVIEWS);
    try {
      List<Future<?>> forged = new ArrayList<>();
      for (int i = 0; i < KubernetesAgents.MAX_REVIEWS; i++) {
        String token = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "forged-" + i);
        forged.add(pool.submit(() -> agents.review(token)));
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "every review place held by a forgery");
      String another = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "forged-x");
      ApiException full = assertThrows(ApiException.class, () -> agents.review(another));
      assertEquals(503, full.status());

      // the known agent's approval ran out: renewed anyway
      for (int i = 0; i < 3; i++) {
        KubernetesAgents.Outcome renewed = agents.review(agent);
        assertNotNull(renewed.caller(), renewed.refusal());
        assertEquals("crowd-node", renewed.caller().host());
      }
      release.countDown();
      for (Future<?> f : forged) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
