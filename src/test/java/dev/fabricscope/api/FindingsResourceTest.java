package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.DowntrainedHost;
import dev.fabricscope.topology.Report;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fleet findings over imported hosts, and the host list filtered by finding. */
@QuarkusTest
class FindingsResourceTest {

  @Test
  void aDowntrainedLinkIsFoundAndFiltersTheHostList() {
    DowntrainedHost host = DowntrainedHost.named("findings-host");
    Report r = host.report();
    String victim = host.gpu();
    String operator = ApiClient.token("findings-operator", "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body(ReportJson.write(r).getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/imports")
        .then()
        .statusCode(201)
        .body("host", equalTo("findings-host"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("rule", "DOWNTRAINED_LINK")
        .queryParam("host", "findings-host")
        .get("/api/v1/findings")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].devices", equalTo(List.of(victim)))
        .body("[0].severity", equalTo("warning"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("finding", "DOWNTRAINED_LINK")
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("items.name", hasItem("findings-host"));
  }
}
