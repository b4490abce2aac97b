package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.Compress;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Coded request bodies cost what they decode to (ninth security review: 272 bytes of {@code
 * Content-Encoding: gzip, gzip} decoded to 64 MiB before a viewer's import was refused, counted
 * against the body budget as 272, and 24 at once ran the server out of heap). A coded body a role
 * may not send is refused unread, one coding at most is undone, a body decodes no further than its
 * endpoint takes plain, and the decoded bytes count against the budget as they appear.
 */
@QuarkusTest
class CodedBodiesTest {

  static final String IMPORTS = "/api/v1/imports?host=coded-body";
  static final String REPORTS = "/api/v1/reports";
  static final String SELECT = "/api/v1/plans/select";
  static final String HEARTBEAT = "/api/v1/reports/heartbeat";

  static String agent;
  static String operator;
  static String viewer;
  static final Map<String, byte[]> BODIES = new HashMap<>();

  @Inject BodyBudget budget;
  @Inject CodedBodyTurns turns;

  @BeforeEach
  void tokens() {
    if (agent == null) {
      agent = ApiClient.token("coded-agent", "agent", "coded-host");
      operator = ApiClient.token("coded-operator", "operator", null);
      viewer = ApiClient.token("coded-viewer", "viewer", null);
    }
  }

  /** {@code bytes} zeros coded as {@code codings} lists them (applied left to right). */
  static byte[] zeros(int bytes, String codings) throws Exception {
    String key = bytes + "/" + codings;
    byte[] cached = BODIES.get(key);
    if (cached != null) {
      return cached;
    }
    byte[] body = new byte[bytes];
    for (String c : codings.split(",")) {
      body = c.trim().equals("deflate") ? Compress.deflate(body) : Compress.gzip(body);
    }
    BODIES.put(key, body);
    return body;
  }

  static RawHttp.Answer post(String path, String token, String codings, byte[] body)
      throws Exception {
    return RawHttp.send(
        RestAssured.port,
        "POST",
        path,
        "Content-Type: "
            + (path.startsWith("/api/v1/imports") ? "application/octet-stream" : "application/json")
            + "\r\nContent-Encoding: "
            + codings
            + (token == null ? "" : "\r\nAuthorization: Bearer " + token),
        body);
  }

  static void refused(int status, String detail, RawHttp.Answer a) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.body().contains(detail), a.body());
  }

  @Test
  void aCodedBodyARoleMayNotSendIsRefusedUnread() {
    for (String[] c :
        new String[][] {
          {IMPORTS, viewer}, {IMPORTS, agent}, {REPORTS, viewer}, {REPORTS, operator}
        }) {
      // 272 bytes declared, as the review's double gzip of 64 MiB; not one of them is sent
      RawHttp.Answer a =
          RawHttp.headOnly(
              RestAssured.port,
              "POST",
              c[0],
              "Content-Encoding: gzip, gzip\r\nAuthorization: Bearer " + c[1],
              272);
      refused(403, "this write needs", a);
    }
  }

  @Test
  void twoCodingsAreRefusedAndOneDecodesOnlyAsFarAsItsEndpointTakesPlain() throws Exception {
    refused(
        415,
        "at most one content coding",
        post(IMPORTS, operator, "gzip, gzip", zeros(64 << 20, "gzip, gzip")));
    // a plan selection takes 1 MiB at most plain; before, a coded one decoded to 16 MiB first
    refused(
        413,
        "decodes to more than 1048576 bytes",
        post(SELECT, null, "gzip", zeros(16 << 20, "gzip")));
    refused(
        413,
        "decodes to more than 1048576 bytes",
        post(HEARTBEAT, agent, "deflate", zeros(4 << 20, "deflate")));
    refused(
        413,
        "decodes to more than 16777216",
        post(REPORTS, agent, "gzip", zeros(17 << 20, "gzip")));
    assertEquals(0, budget.inUse());
  }

  @Test
  void decodedBytesCountAgainstTheBudgetAsTheyAppear() throws Exception {
    long capacity = budget.capacity();
    budget.setCapacity(3 << 20);
    try {
      // 8 MiB of a report, 8 KiB on the wire: the budget is full after 3 MiB decoded
      refused(
          503,
          "as many request bodies as it can hold",
          post(REPORTS, agent, "gzip", zeros(8 << 20, "gzip")));
    } finally {
      budget.setCapacity(capacity);
    }
    assertEquals(0, budget.inUse(), "the reservation was given back");
  }

  /** The review's attack: 24 coded bombs of a viewer at once are 403 unread, the server stays. */
  @Test
  void manyBombsAtOnceAreRefusedAndTheServerStays() throws Exception {
    byte[] bomb = zeros(64 << 20, "gzip, gzip");
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<RawHttp.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        answers.add(pool.submit(() -> post(IMPORTS, viewer, "gzip, gzip", bomb)));
      }
      for (Future<RawHttp.Answer> f : answers) {
        assertEquals(403, f.get().status(), f.get().body());
      }
      // one operator's single-coded imports at once decode in turn: the first within its share
      // reaches the import (a 422: zeros are no format), the others find what is left; before
      // the turns all 24 grew side by side and all were 429s (the review's replay)
      byte[] one = zeros(64 << 20, "gzip");
      answers.clear();
      for (int i = 0; i < 24; i++) {
        answers.add(pool.submit(() -> post(IMPORTS, operator, "gzip", one)));
      }
      int read = 0;
      for (Future<RawHttp.Answer> f : answers) {
        int status = f.get().status();
        assertTrue(status == 429 || status == 422, status + f.get().body());
        read += status == 422 ? 1 : 0;
      }
      assertTrue(read >= 1, "at least the first coded import is read");
      assertEquals(0, turns.senders(), "every turn was given back");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, budget.inUse());
    assertEquals(
        200,
        RawHttp.send(
                RestAssured.port, "GET", "/api/v1/hosts", "Authorization: Bearer " + viewer, null)
            .status());
  }

  /**
   * Generated coded writes: endpoint, sender, codings and decoded size at random. Where the rules
   * decide the answer it is that answer (401 without credentials, 403 unread for a role that may
   * not write there, 415 for two codings, 413 past the endpoint's plain limit); otherwise it is the
   * endpoint's own refusal of a body of zeros, never a 5xx. The budget is whole afterwards.
   */
  @Test
  void generatedCodedWritesFollowTheRules() throws Exception {
    Random rnd = new Random(20261207);
    String[] paths = {IMPORTS, REPORTS, SELECT, HEARTBEAT};
    String[] codings = {"gzip", "deflate", "x-gzip", "gzip, gzip", "deflate, gzip"};
    int[] sizes = {1 << 10, 900 << 10, 3 << 19, 17 << 20};
    Object[][] senders = {{viewer, Role.VIEWER}, {operator, Role.OPERATOR}, {agent, Role.AGENT}};
    for (int i = 0; i < 60; i++) {
      String path = paths[rnd.nextInt(paths.length)];
      String coding = codings[rnd.nextInt(codings.length)];
      int size = sizes[rnd.nextInt(sizes.length)];
      boolean anonymous = rnd.nextInt(5) == 0;
      Object[] sender = senders[rnd.nextInt(senders.length)];
      String token = anonymous ? null : (String) sender[0];
      Role role = anonymous ? null : (Role) sender[1];
      BodyWrite write = BodyWrite.of(path.replaceAll("\\?.*", ""));
      String what = i + ": " + path + " " + coding + " " + size + " " + role;
      RawHttp.Answer a = post(path, token, coding, zeros(size, coding.replace("x-gzip", "gzip")));
      if (anonymous && write != BodyWrite.OTHER) {
        assertEquals(401, a.status(), what + a.body());
      } else if (!write.allows(role)) {
        assertEquals(403, a.status(), what + a.body());
        assertTrue(a.body().contains("this write needs"), what + a.body());
      } else if (coding.contains(",")) {
        assertEquals(415, a.status(), what + a.body());
      } else if (size > write.limit) {
        assertEquals(413, a.status(), what + a.body());
        assertTrue(a.body().contains("decodes to more than " + write.limit), what + a.body());
      } else {
        assertTrue(a.status() >= 400 && a.status() < 500, what + " " + a.status() + a.body());
        assertTrue(a.status() != 415 && a.status() != 401, what + a.body());
      }
    }
    assertEquals(0, budget.inUse());
  }
}
