package dev.fabricscope.findings;

import static io.restassured.RestAssured.given;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.restassured.response.ValidatableResponse;

/**
 * A host of a test's own, sent through the real ingest path with its agent's token, and a viewer
 * token to read its findings back in the API and on the findings page (the large-report ingest
 * tests).
 *
 * @param name the host's name, unique to this test run
 * @param agent the host's agent token
 * @param viewer a viewer token
 */
record IngestedHost(String name, String agent, String viewer) {

  /** A new host named from {@code prefix}, with its tokens. */
  static IngestedHost named(String prefix) {
    String name = BandwidthClient.hostName(prefix);
    return new IngestedHost(
        name,
        ApiClient.token(BandwidthClient.hostName(prefix + "-agent"), "agent", name),
        ApiClient.token(BandwidthClient.hostName(prefix + "-viewer"), "viewer", null));
  }

  /** Sends {@code report} as the host's agent; it must be stored (201). */
  void send(byte[] report) {
    ApiClient.sendReport(agent, report).then().log().ifValidationFails().statusCode(201);
  }

  /** The host's findings from {@code /api/v1/findings}, a 200. */
  ValidatableResponse findings() {
    return read("/api/v1/findings");
  }

  /** The host's findings page, a 200. */
  ValidatableResponse page() {
    return read("/findings");
  }

  private ValidatableResponse read(String path) {
    return given().auth().oauth2(viewer).queryParam("host", name).get(path).then().statusCode(200);
  }
}
