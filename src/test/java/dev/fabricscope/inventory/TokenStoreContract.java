package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.inventory.TokenStore.Token;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TokenStore} must do; each test starts with empty tables. */
abstract class TokenStoreContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-11-24T10:00:00.654321Z");

  TokenStore tokens;

  @BeforeEach
  void openStore() throws Exception {
    tokens = new JdbcTokenStore(dataSource());
  }

  @Test
  void createAndFindByHash() {
    Token agent = tokens.create("agent node-a", Role.AGENT, "node-a", "hash-a", T0);
    assertEquals(Role.AGENT, agent.role());
    assertEquals("node-a", agent.host());
    assertEquals(T0, agent.created());
    assertTrue(agent.active());
    assertEquals(agent, tokens.findByHash("hash-a").orElseThrow());
    assertTrue(tokens.findByHash("hash-x").isEmpty());
    Token viewer = tokens.create("viewer", Role.VIEWER, null, "hash-v", T0);
    assertNull(tokens.findByHash("hash-v").orElseThrow().host());
    assertEquals(List.of(agent, viewer), tokens.list());
  }

  @Test
  void revokeKeepsTheTokenButDeactivatesIt() {
    Token t = tokens.create("op", Role.OPERATOR, null, "hash-o", T0);
    assertTrue(tokens.revoke(t.id(), T0.plusSeconds(10)));
    Token revoked = tokens.findByHash("hash-o").orElseThrow();
    assertFalse(revoked.active());
    assertEquals(T0.plusSeconds(10), revoked.revoked());
    // Idempotent; the first revocation time stays.
    assertTrue(tokens.revoke(t.id(), T0.plusSeconds(20)));
    assertEquals(T0.plusSeconds(10), tokens.findByHash("hash-o").orElseThrow().revoked());
    assertFalse(tokens.revoke(t.id() + 1000, T0));
    assertEquals(1, tokens.list().size());
  }

  @Test
  void anyAdmin() {
    assertFalse(tokens.anyAdmin());
    tokens.create("viewer", Role.VIEWER, null, "hash-v", T0);
    assertFalse(tokens.anyAdmin());
    Token admin = tokens.create("bootstrap", Role.ADMIN, null, "hash-admin", T0);
    assertTrue(tokens.anyAdmin());
    tokens.revoke(admin.id(), T0.plusSeconds(1));
    // Revoked admin tokens still count: the bootstrap token is created once.
    assertTrue(tokens.anyAdmin());
  }

  @Test
  void secretHashIsUnique() {
    tokens.create("one", Role.VIEWER, null, "same-hash", T0);
    assertThrows(
        IllegalArgumentException.class,
        () -> tokens.create("two", Role.ADMIN, null, "same-hash", T0));
    assertEquals(1, tokens.list().size());
    assertFalse(tokens.anyAdmin());
  }
}
