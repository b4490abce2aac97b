package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.inventory.TokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The token lookup cache against a revocation that lands while a lookup reads the database (the
 * review of 2026-12-06): the lookup's put came after the revocation's clear, so the revoked token
 * passed for 5 more seconds on that server.
 */
class AccessCacheTest {

  /** A store whose read lets a revocation run in the middle of it. */
  static final class Store implements TokenStore {
    final AtomicInteger reads = new AtomicInteger();
    Runnable duringRead = () -> {};
    Instant revoked;

    @Override
    public Token create(String name, Role role, String host, String secretHash, Instant now) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Token> findByHash(String secretHash) {
      reads.incrementAndGet();
      Token t = new Token(7, "op", Role.OPERATOR, null, Instant.EPOCH, revoked);
      duringRead.run();
      return Optional.of(t);
    }

    @Override
    public boolean revoke(long id, Instant now) {
      revoked = now;
      return true;
    }

    @Override
    public List<Token> list() {
      return List.of();
    }

    @Override
    public boolean anyAdmin() {
      return true;
    }
  }

  @Test
  void aRevocationDuringALookupIsNotUndoneByItsCache() {
    Access access = new Access();
    Store store = new Store();
    access.tokens = store;
    store.duringRead =
        () -> {
          store.revoke(7, Instant.now());
          access.revoked(7);
        };
    assertEquals(true, access.lookup("h").orElseThrow().active(), "read before the revocation");
    store.duringRead = () -> {};
    // the next request reads again and sees the revocation, instead of a cached active token
    assertEquals(false, access.lookup("h").orElseThrow().active());
    assertEquals(2, store.reads.get());
    // without a revocation in between, a lookup is cached as before
    access.lookup("h");
    assertEquals(2, store.reads.get());
  }
}
