package dev.fabricscope.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens, stored hashed (SHA-256 of the secret; the secret itself is shown once at creation
 * and never stored). Roles: agent (writes only its own host's reports), viewer, operator (imports,
 * tests, plans), admin (tokens).
 */
public interface TokenStore {

  /** Access levels, each including the ones before it, except agent which only writes. */
  enum Role {
    AGENT,
    VIEWER,
    OPERATOR,
    ADMIN
  }

  /** A token without its secret. */
  record Token(long id, String name, Role role, String host, Instant created, Instant revoked) {
    public boolean active() {
      return revoked == null;
    }
  }

  /** Stores a token by the hash of its secret; {@code host} only for agent tokens. */
  Token create(String name, Role role, String host, String secretHash, Instant now);

  /** The active or revoked token with this secret hash. */
  Optional<Token> findByHash(String secretHash);

  /** Revokes a token; false when there is none with this id. */
  boolean revoke(long id, Instant now);

  List<Token> list();

  /** Whether any admin token exists (the bootstrap token is created once). */
  boolean anyAdmin();
}
