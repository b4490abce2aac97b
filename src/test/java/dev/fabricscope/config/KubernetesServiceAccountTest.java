package dev.fabricscope.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One rule for the agents' service account, used by the configuration check and by the Kubernetes
 * agents: {@code NAMESPACE/NAME} becomes the user name the API server puts into a review's answer
 * ({@code system:serviceaccount:NAMESPACE:NAME}); any other shape is refused.
 */
class KubernetesServiceAccountTest {

  @Test
  void namespaceAndNameBecomeTheReviewedUser() {
    assertEquals(
        Optional.of("system:serviceaccount:fabricscope:fabricscope-agent"),
        KubernetesConfig.serviceAccountUser("fabricscope/fabricscope-agent"));
    assertEquals(
        Optional.of("system:serviceaccount:kube-system:a.b"),
        KubernetesConfig.serviceAccountUser("kube-system/a.b"));
  }

  @Test
  void otherShapesAreRefused() {
    for (String bad :
        new String[] {
          "",
          "agent",
          "/agent",
          "ns/",
          "ns/a/b",
          "NS/agent",
          "ns/Agent",
          "-ns/agent",
          "ns/-a",
          "ns:x/agent",
          "ns/agent\n",
          "ns /agent",
          "ns/a:b"
        }) {
      assertEquals(Optional.empty(), KubernetesConfig.serviceAccountUser(bad), bad);
    }
  }

  /**
   * Generated strings: whatever is accepted has exactly one slash and gives a user name with
   * exactly three colons, so a crafted name cannot stand for another namespace's account.
   */
  @Test
  void generatedStringsNeverGiveAnotherAccountsUser() {
    Random random = new Random(20261206);
    String alphabet = "ab0-./:AZ \n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String text = s.toString();
      Optional<String> user = KubernetesConfig.serviceAccountUser(text);
      boolean shaped = text.matches("[a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*");
      assertEquals(shaped, user.isPresent(), text);
      user.ifPresent(
          u -> {
            assertEquals(3, u.chars().filter(c -> c == ':').count(), u);
            assertEquals("system:serviceaccount:" + text.replace('/', ':'), u);
          });
    }
  }
}
