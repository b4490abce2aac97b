package dev.fabricscope.inventory;

import java.time.Instant;
import java.util.Optional;

/**
 * The bandwidth helpers each host's agent reported at its start (name, presence, version, devices,
 * kinds, why absent), kept as the validated JSON list; one row per host, replaced by each report.
 */
public interface AgentCapabilityStore {

  /** A host's reported helpers and when they were reported. */
  record Capabilities(String host, String json, Instant updated) {}

  /** Stores (replaces) the helper list of a host. */
  void putCapabilities(String host, String json, Instant now);

  /** The helper list of a host, if its agent ever reported one. */
  Optional<Capabilities> capabilities(String host);
}
