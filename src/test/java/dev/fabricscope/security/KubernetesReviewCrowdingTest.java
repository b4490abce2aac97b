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

  /** The node the agent runs on (host network: the node's address). */
  static final String AGENT_ADDRESS = "10.0.0.7";

  @Test
  void aKnownAgentRenewsWhileForgedTokensHoldEveryReviewPlace() throws Exception {
    String agent = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "crowd-node");
    CountDownLatch held = new CountDownLatch(KubernetesAgents.MAX_REVIEWS);
    CountDownLatch release = new CountDownLatch(1);
    // approvals run out at once (1 ns), so the agent's next request is a renewal
    KubernetesAgents agents = slowForForgeries(List.of(agent), held, release, 1);
    assertNotNull(agents.review(agent, AGENT_ADDRESS).caller(), "approved the first time");

    ExecutorService pool = Executors.newFixedThreadPool(KubernetesAgents.MAX_REVIEWS);
    try {
      List<Future<?>> forged = new ArrayList<>();
      for (int i = 0; i < KubernetesAgents.MAX_REVIEWS; i++) {
        String token = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "forged-" + i);
        String from = "192.0.2." + (i / KubernetesAgents.MAX_REVIEWS_PER_ADDRESS);
        forged.add(pool.submit(() -> agents.review(token, from)));
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "every review place held by a forgery");
      String another = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "forged-x");
      ApiException full =
          assertThrows(ApiException.class, () -> agents.review(another, "192.0.2.99"));
      assertEquals(503, full.status());

      // the known agent's approval ran out: renewed anyway
      for (int i = 0; i < 3; i++) {
        KubernetesAgents.Outcome renewed = agents.review(agent, AGENT_ADDRESS);
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

  /** A slow API server that holds every forged review until released; the agent's tokens pass. */
  private static KubernetesAgents slowForForgeries(
      List<String> agentTokens, CountDownLatch held, CountDownLatch release, long keepNanos) {
    KubernetesAgents agents = new KubernetesAgents();
    agents.configure(
        AGENTS,
        "fabricscope",
        keepNanos,
        (token, audience) -> {
          if (agentTokens.contains(token)) {
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
    return agents;
  }

  @Test
  void oneAddressHoldsTwoPlacesSoANewAgentStillGetsItsFirstReview() throws Exception {
    String agent = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "new-node");
    int perAddress = KubernetesAgents.MAX_REVIEWS_PER_ADDRESS;
    CountDownLatch held = new CountDownLatch(perAddress);
    CountDownLatch release = new CountDownLatch(1);
    KubernetesAgents agents =
        slowForForgeries(List.of(agent), held, release, TimeUnit.SECONDS.toNanos(60));
    ExecutorService pool = Executors.newFixedThreadPool(perAddress);
    try {
      List<Future<?>> forged = new ArrayList<>();
      for (int i = 0; i < perAddress; i++) {
        String token = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "f-" + i);
        forged.add(pool.submit(() -> agents.review(token, "198.51.100.1")));
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "the address's places held");
      // generated: every further forgery from that address is refused at once, never reviewed
      for (int i = 0; i < 50; i++) {
        String token = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "g-" + i);
        ApiException e =
            assertThrows(ApiException.class, () -> agents.review(token, "198.51.100.1"));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("this address"), e.getMessage());
      }
      KubernetesAgents.Outcome first = agents.review(agent, AGENT_ADDRESS);
      assertNotNull(first.caller(), "a new agent elsewhere is reviewed: " + first.refusal());
      release.countDown();
      for (Future<?> f : forged) {
        f.get(10, TimeUnit.SECONDS);
      }
      // the places came back: the address may ask again
      assertEquals(
          null,
          agents
              .review(
                  FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "late"),
                  "198.51.100.1")
              .caller());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aRotatedTokenFromAnApprovedAgentsAddressIsReviewedOnTheRenewalPlaces() throws Exception {
    String before = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "rot-1");
    String rotated = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "rot-2");
    CountDownLatch held = new CountDownLatch(KubernetesAgents.MAX_REVIEWS);
    CountDownLatch release = new CountDownLatch(1);
    KubernetesAgents agents =
        slowForForgeries(List.of(before, rotated), held, release, TimeUnit.SECONDS.toNanos(60));
    assertNotNull(agents.review(before, AGENT_ADDRESS).caller());
    ExecutorService pool = Executors.newFixedThreadPool(KubernetesAgents.MAX_REVIEWS);
    try {
      for (int i = 0; i < KubernetesAgents.MAX_REVIEWS; i++) {
        String token = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "r-" + i);
        String from = "203.0.113." + i;
        pool.submit(() -> agents.review(token, from));
      }
      assertTrue(held.await(10, TimeUnit.SECONDS), "every first-review place held");
      KubernetesAgents.Outcome renewed = agents.review(rotated, AGENT_ADDRESS);
      assertNotNull(renewed.caller(), "the rotated token passed: " + renewed.refusal());
      String stranger = FakeKubernetesApi.jwt("fabricscope", FakeKubernetesApi.LATER, "s");
      assertEquals(
          503,
          assertThrows(ApiException.class, () -> agents.review(stranger, "10.9.9.9")).status());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }
}
