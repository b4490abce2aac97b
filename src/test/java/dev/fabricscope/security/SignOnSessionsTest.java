package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which tokens a logout ends: those of the signed-out session issued up to the logout, not a new
 * sign-on that the provider gives the same {@code sid} (a review found the new one refused with
 * "signed out" for the old token's whole lifetime).
 */
class SignOnSessionsTest {

  @Test
  void aLogoutEndsTheOldTokensNotANewSignOnUnderTheSameSid() {
    SignOnSessions sessions = new SignOnSessions();
    Instant now = Instant.now();
    Instant exp = now.plusSeconds(3600);
    Caller.Session old = new Caller.Session("sid:a", exp, now.minusSeconds(60));
    sessions.end(old);
    assertTrue(sessions.signedOut(old));
    assertFalse(sessions.active(old));
    assertTrue(sessions.signedOut(new Caller.Session("sid:a", exp, null)), "no iat: the old one");
    Caller.Session again = new Caller.Session("sid:a", exp, now.plusSeconds(2));
    assertFalse(sessions.signedOut(again), "signed on again after the logout");
    assertTrue(sessions.active(again));
    assertFalse(sessions.signedOut(new Caller.Session("sid:b", exp, now.minusSeconds(60))));
    // an expired token is not active, but it was not signed out either
    Caller.Session expired = new Caller.Session("sid:c", now.minusSeconds(1), now.minusSeconds(9));
    assertFalse(sessions.signedOut(expired));
    assertFalse(sessions.active(expired));
  }

  @Test
  void anEndedSessionIsForgottenWhenItsTokenExpires() {
    SignOnSessions sessions = new SignOnSessions();
    Instant now = Instant.now();
    Caller.Session s = new Caller.Session("sid:d", now.minusSeconds(1), now.minusSeconds(90));
    sessions.end(s);
    assertFalse(sessions.signedOut(s));
  }

  /** Tokens issued at random seconds around a logout: ended exactly when issued up to it. */
  @Test
  void generatedIssueTimesAroundALogout() {
    Random random = new Random(20261206);
    for (int i = 0; i < 500; i++) {
      SignOnSessions sessions = new SignOnSessions();
      Instant exp = Instant.now().plusSeconds(3600);
      sessions.end(new Caller.Session("sid:g", exp, null));
      Instant logout = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      long offset = random.nextInt(21) - 10;
      Instant issued = logout.plusSeconds(offset);
      boolean ended = sessions.signedOut(new Caller.Session("sid:g", exp, issued));
      // the logout's own second may have ticked over since end(): only clear cases are held
      if (offset <= -1) {
        assertTrue(ended, "issued " + offset + " s before the logout");
      } else if (offset >= 2) {
        assertFalse(ended, "issued " + offset + " s after the logout");
      }
      assertEquals(ended, !sessions.active(new Caller.Session("sid:g", exp, issued)));
    }
  }
}
