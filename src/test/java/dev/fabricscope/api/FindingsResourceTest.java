package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fleet findings over imported hosts, and the host list filtered by finding. */
@QuarkusTest
class FindingsResourceTest {

  @Test
  void aDowntrainedLinkIsFoundAndFiltersTheHostList() {
    Report base = SyntheticHosts.nestedSwitches("findings-host", 6);
    // one GPU's link trained x8 on a x16 slot (both ends capable of x16): downtrained (§5.2)
    List<PciFunction> pci = new ArrayList<>();
    String victim = null;
    for (PciFunction f : base.pci()) {
      if (victim == null && f.kind() == dev.fabricscope.topology.DeviceKind.GPU) {
        victim = f.bdf();
        PciLink l = f.link();
        f =
            f.withLink(
                new PciLink(
                    new PciLink.LinkState(16.0, 8),
                    l.max(),
                    l.capability(),
                    new PciLink.LinkState(16.0, 8),
                    l.upstream(),
                    null));
      }
      pci.add(f);
    }
    Report r =
        new Report(
            1,
            base.source(),
            base.host(),
            pci,
            base.rdma(),
            base.net(),
            base.nvme(),
            base.gpus(),
            base.nvlinks(),
            base.diagnostics());
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
