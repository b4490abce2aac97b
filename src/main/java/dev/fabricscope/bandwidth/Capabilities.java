package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.inventory.AgentCapabilityStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a host can run a kind, from the helpers its agent reported: a host whose agent never
 * reported may run anything (the test waits for the agent); otherwise some present helper must
 * measure the kind, and when none does the refusal names the absent helpers' reasons ({@code cuda:
 * no CUDA driver on this host}).
 */
final class Capabilities {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Capabilities() {}

  /** The stored list. */
  static List<HelperStatus> read(AgentCapabilityStore.Capabilities stored) {
    try {
      return JSON.readValue(stored.json(), new TypeReference<List<HelperStatus>>() {});
    } catch (IOException e) {
      return List.of(); // written by this server after validation
    }
  }

  /** The list as stored (after {@link HelperStatus#parseList}). */
  static String write(List<HelperStatus> helpers) {
    try {
      return JSON.writeValueAsString(helpers);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Throws a 422 naming why, when the host's agent reported that it cannot run the kind. */
  static void check(
      String host, BandwidthKind kind, Optional<AgentCapabilityStore.Capabilities> stored) {
    if (stored.isEmpty()) {
      return;
    }
    List<HelperStatus> measuring =
        read(stored.get()).stream().filter(h -> h.kinds().contains(kind.json())).toList();
    if (measuring.stream().anyMatch(HelperStatus::present)) {
      return;
    }
    if (measuring.isEmpty()) {
      throw unprocessable("host '" + host + "' has no helper that measures " + kind.json());
    }
    throw unprocessable(
        "host '"
            + host
            + "' cannot run "
            + kind.json()
            + ": "
            + measuring.stream()
                .map(h -> h.name() + ": " + (h.detail() == null ? "absent" : h.detail()))
                .collect(Collectors.joining("; ")));
  }
}
