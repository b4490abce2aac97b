package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.fabricscope.demo.DemoReports;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Health and the OpenAPI document. */
@QuarkusTest
class HealthTest {

  @Inject DemoReports demoReports;

  @Test
  void healthIsUpOnceDemoReportsAreLoaded() {
    // Readiness is DOWN while the startup thread unpacks the archives; this call waits for it.
    demoReports.reports();
    given()
        .when()
        .get("/q/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("demo-reports"));
  }

  @Test
  void openApiDescribesTheDemoReports() {
    given()
        .accept("application/json")
        .when()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.keySet()", hasItem("/api/v1/demo-reports/{name}"));
  }
}
