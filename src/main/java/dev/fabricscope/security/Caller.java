package dev.fabricscope.security;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.inventory.TokenStore.Role;
import java.time.Instant;

/**
 * Who is calling: the role of the bearer token, of the sign-on session (or of anonymous reads, when
 * configured) and, for agent tokens, the one host it may write.
 *
 * @param name token name, or {@code anonymous}
 * @param role the token's role; null when the caller is unauthenticated
 * @param host for agent tokens, the host name it is bound to
 * @param tokenId the token's id, 0 without a token (long-lived streams end when it is revoked)
 * @param session for callers signed on through the identity provider, their session; else null
 *     (long-lived streams end when it is signed out or expires)
 */
public record Caller(String name, Role role, String host, long tokenId, Session session) {

  /** Nobody: no token, and anonymous reads are off. */
  public static final Caller NOBODY = new Caller("anonymous", null, null, 0, null);

  /** Anonymous reads, when {@code fabricscope.auth.anonymous-read=true}. */
  public static final Caller ANONYMOUS_READER =
      new Caller("anonymous (anonymous-read)", Role.VIEWER, null, 0, null);

  /**
   * What a signed-on caller's access rests on: the browser's sign-on session, or the provider's
   * bearer JWT. The provider's roles are fixed in its token, so a role taken away there reaches
   * fabricscope only with the next token; streams therefore live no longer than the token.
   *
   * @param id the provider's session id ({@code sid} claim) when the token has one, else the
   *     SHA-256 of the token: the same for every request of one session, another for the next
   * @param expires when the token expires; null when it says nothing
   * @param issued when the token was issued ({@code iat}); null when it says nothing. A provider
   *     whose own session outlives a logout here signs the person on again with the same {@code
   *     sid}: only tokens issued before the logout belong to the ended session
   */
  public record Session(String id, Instant expires, Instant issued) {}

  /** The caller holding {@code token}. */
  public static Caller of(TokenStore.Token token) {
    return new Caller(token.name(), token.role(), token.host(), token.id(), null);
  }

  /**
   * The key this caller's quotas are counted under (event streams, shares of the request-body
   * budget): its token; a signed-on person by principal, whichever of their sessions or provider
   * tokens they come with (each refreshed JWT without a {@code sid} had been a caller of its own:
   * eighth security review); another caller (an agent's Kubernetes token) by name and host; no one
   * by {@code address} ({@link #addressKey}: IPv6 by its /64).
   */
  public String quotaKey(String address) {
    if (tokenId > 0) {
      return "token:" + tokenId;
    }
    if (session != null) {
      return personKey(name);
    }
    if (role == null || this == ANONYMOUS_READER) {
      return "address:" + addressKey(address);
    }
    return "caller:" + name + "@" + host;
  }

  /**
   * What one anonymous sender is counted by: an IPv4 address as it is; an IPv6 address by its /64,
   * the block one host or one site is given (RFC 6177), so that one machine cannot be a new caller
   * per address (the reading of the fourteenth security review's change); an IPv4 address mapped
   * into IPv6 as the IPv4 address. Anything else as it is.
   */
  static String addressKey(String address) {
    if (address == null
        || address.indexOf(':') < 0
        || !address.matches("[0-9A-Fa-f:.]{2,45}(%[0-9A-Za-z._-]{1,32})?")) {
      return address; // IPv4, or not an IPv6 literal (never looked up)
    }
    try {
      byte[] b = java.net.InetAddress.getByName(address.replaceAll("%.*$", "")).getAddress();
      if (b.length == 4) {
        return java.net.InetAddress.getByAddress(b).getHostAddress();
      }
      StringBuilder k = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        k.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
      }
      return k.append(":/64").toString();
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return address; // not a literal: as it is
    }
  }

  /** The quota key of the signed-on person whose principal name is {@code principal}. */
  public static String personKey(String principal) {
    return "person:" + principal;
  }

  /** What {@link #creator} records for hosts the server makes itself (demo data). */
  public static final String SERVER = "server";

  /**
   * What the inventory records as the creator of a host this caller's write adds ({@code
   * hosts.created_by}): {@code agent:<name>} for an agent (its token's name, or {@code
   * kubernetes:<node>}), {@code token:<name>} for another token of the token store, {@code
   * person:<subject>} for a signed-on person. The kind comes first so that a token and a person of
   * the same name are two creators. At most 255 characters, a control character as {@code ?}: a
   * subject is the provider's, not ours to limit, and PostgreSQL refuses a NUL (token names are
   * checked when made: {@code TokensResource}).
   */
  public String creator() {
    String kind;
    if (role == Role.AGENT) {
      kind = "agent:";
    } else if (tokenId > 0) {
      kind = "token:";
    } else {
      kind = "person:"; // no token of ours and a role: the identity provider's
    }
    StringBuilder printable = new StringBuilder(kind);
    name.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    String creator = printable.toString();
    if (creator.length() <= MAX_CREATOR) {
      return creator;
    }
    // never between the two halves of a surrogate pair: PostgreSQL would refuse the half
    int end =
        Character.isHighSurrogate(creator.charAt(MAX_CREATOR - 1)) ? MAX_CREATOR - 1 : MAX_CREATOR;
    return creator.substring(0, end);
  }

  private static final int MAX_CREATOR = 255;

  /** Whether the caller may read (viewer, operator, admin; agents write only). */
  public boolean canRead() {
    return role != null && role != Role.AGENT;
  }

  /** Whether the role is at least {@code min} on the viewer < operator < admin ladder. */
  public boolean atLeast(Role min) {
    return onLadder(role, min);
  }

  /**
   * The one ladder rule: {@code role} is at least {@code min} on viewer < operator < admin. Agents
   * are off the ladder (they write their host's reports and nothing else); null is nobody.
   */
  public static boolean onLadder(Role role, Role min) {
    return role != null && role != Role.AGENT && role.ordinal() >= min.ordinal();
  }

  /**
   * The one rule for who sends reports and heartbeats: agent tokens (for their own host, which the
   * resource checks once the body names it) and admins (for any host).
   */
  public static boolean mayReport(Role role) {
    return role == Role.AGENT || role == Role.ADMIN;
  }
}
