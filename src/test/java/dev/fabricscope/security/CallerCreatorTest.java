package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.TokenStore.Role;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link Caller#creator}: the kind of caller before its name, so that a token and a person of one
 * name are two creators; never past the 255 characters {@code hosts.created_by} holds, and never
 * half of a character.
 */
class CallerCreatorTest {

  @Test
  void eachKindOfCallerHasItsPrefix() {
    assertEquals(
        "agent:rack1-node7", new Caller("rack1-node7", Role.AGENT, "node7", 4, null).creator());
    assertEquals(
        "agent:kubernetes:node7",
        new Caller("kubernetes:node7", Role.AGENT, "node7", 0, null).creator());
    assertEquals(
        "token:ci-import", new Caller("ci-import", Role.OPERATOR, null, 9, null).creator());
    assertEquals(
        "token:bootstrap-admin",
        new Caller("bootstrap-admin", Role.ADMIN, null, 1, null).creator());
    var session = new Caller.Session("sid-1", Instant.EPOCH, Instant.EPOCH);
    assertEquals("person:alice", new Caller("alice", Role.OPERATOR, null, 0, session).creator());
    assertEquals(
        "person:eve?x?", new Caller("eve\u0000x\n", Role.VIEWER, null, 0, session).creator());
    // a signed-on person whose provider gave no session id or token still is a person
    assertEquals("person:bob", new Caller("bob", Role.ADMIN, null, 0, null).creator());
  }

  @Test
  void aLongSubjectIsCutAt255WithoutSplittingACharacter() {
    String subject = "s".repeat(247) + "\ud83d\ude80".repeat(10); // "person:" + 247 = 254 units
    String creator = new Caller(subject, Role.VIEWER, null, 0, null).creator();
    assertEquals(254, creator.length());
    assertFalse(Character.isHighSurrogate(creator.charAt(creator.length() - 1)));
    String plain = new Caller("p".repeat(400), Role.VIEWER, null, 0, null).creator();
    assertEquals(255, plain.length());
    assertTrue(plain.startsWith("person:ppp"));
  }
}
