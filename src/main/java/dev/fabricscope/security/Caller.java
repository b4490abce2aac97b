package dev.fabricscope.security;

import dev.fabricscope.inventory.TokenStore.Role;

/**
 * Who is calling: the role of the bearer token (or of anonymous local demo access) and, for agent
 * tokens, the one host it may write.
 *
 * @param name token name, or {@code anonymous}
 * @param role the token's role; null when the caller is unauthenticated
 * @param host for agent tokens, the host name it is bound to
 */
public record Caller(String name, Role role, String host) {

  /** Nobody: no token, and anonymous reads are off. */
  public static final Caller NOBODY = new Caller("anonymous", null, null);

  /** Anonymous reads in local demo mode (server bound to loopback). */
  public static final Caller LOCAL_VIEWER = new Caller("anonymous (local demo)", Role.VIEWER, null);

  /** Whether the caller may read (viewer, operator, admin; agents write only). */
  public boolean canRead() {
    return role != null && role != Role.AGENT;
  }

  /** Whether the role is at least {@code min} on the viewer < operator < admin ladder. */
  public boolean atLeast(Role min) {
    return role != null && role != Role.AGENT && role.ordinal() >= min.ordinal();
  }
}
