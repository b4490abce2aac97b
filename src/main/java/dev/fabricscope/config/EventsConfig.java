package dev.fabricscope.config;

import io.smallrye.config.WithDefault;

/**
 * {@code fabricscope.events.*}: how many Server-Sent Event streams ({@code
 * /api/v1/host-events/{host}}) may be open. A browser tab with a host page open holds one; each
 * holds a connection and re-reads its token every 5 s.
 */
public interface EventsConfig {

  /** Streams one token, sign-on session or anonymous address may hold at once (≥ 1). */
  @WithDefault("16")
  int maxStreamsPerCaller();

  /** Streams the server holds at once, from everyone (≥ 1). */
  @WithDefault("2000")
  int maxStreams();
}
