package dev.fabricscope.security;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.inventory.TokenStore.Role;

/**
 * Who is calling: the role of the bearer token (or of anonymous reads, when configured) and, for
 * agent tokens, the one host it may write.
 *
 * @param name token name, or {@code anonymous}
 * @param role the token's role; null when the caller is unauthenticated
 * @param host for agent tokens, the host name it is bound to
 * @param tokenId the token's id, 0 without a token (long-lived streams end when it is revoked)
 */
public record Caller(String name, Role role, String host, long tokenId) {

  /** Nobody: no token, and anonymous reads are off. */
  public static final Caller NOBODY = new Caller("anonymous", null, null, 0);

  /** Anonymous reads, when {@code fabricscope.auth.anonymous-read=true}. */
  public static final Caller ANONYMOUS_READER =
      new Caller("anonymous (anonymous-read)", Role.VIEWER, null, 0);

  /** The caller holding {@code token}. */
  public static Caller of(TokenStore.Token token) {
    return new Caller(token.name(), token.role(), token.host(), token.id());
  }

  /** Whether the caller may read (viewer, operator, admin; agents write only). */
  public boolean canRead() {
    return role != null && role != Role.AGENT;
  }

  /** Whether the role is at least {@code min} on the viewer < operator < admin ladder. */
  public boolean atLeast(Role min) {
    return role != null && role != Role.AGENT && role.ordinal() >= min.ordinal();
  }
}
