package dev.fabricscope.config;

import io.smallrye.config.WithDefault;

/**
 * {@code fabricscope.plans.*}: how many what-if plans the server keeps. Each plan holds a gzip copy
 * of its host's report, each version its whole edit list (at most 256 KiB).
 */
public interface PlansConfig {

  /** Plans one creator (a token or a signed-on person, by name) keeps at once (≥ 1). */
  @WithDefault("100")
  int maxPerCreator();

  /** Versions one plan has at most (≥ 1); version 1 is the copy without edits. */
  @WithDefault("200")
  int maxVersions();

  /**
   * Bytes of edit lists (JSON) one plan keeps over all its versions (≥ 1 MiB, the most one version
   * may have): a plan's page reads them all, and 200 versions of 256 KiB were 51 MB of text to
   * parse per read (fourteenth security review).
   */
  @WithDefault("4194304")
  long maxBytes();
}
