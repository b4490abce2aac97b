package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.api.P2pMatrices;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Plan previews, version reads and predictions run in the {@code /p2p} computation slots (a
 * security review ran a 1.4 GB heap out with eight parallel previews of a 14 MB plan, none of them
 * bounded): with every slot held each is a 503 with Retry-After, a version already read included,
 * and each answers again once the slots are free.
 */
@QuarkusTest
class PlanSlotsTest {

  @Inject P2pMatrices matrices;
  @Inject FabricscopeConfig config;

  @Test
  void withEverySlotHeldPlanAndPredictionReadsAre503() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("plan-slots");
    long id = PlanRequests.create(rig.operator(), rig.host());
    PlanRequests.save(rig.operator(), id, 1, "[{\"op\":\"set-iommu\",\"enabled\":true}]")
        .then()
        .statusCode(201);
    String viewer = ApiClient.token(BandwidthClient.hostName("plan-slots-viewer"), "viewer", null);
    String plan = "/api/v1/plans/" + id;
    List<Function<RequestSpecification, Response>> reads =
        List.of(
            s -> s.contentType("application/json").body("{\"edits\":[]}").post(plan + "/preview"),
            s -> s.get(plan + "/versions/1/graph"), // read below before the slots are held
            s -> s.get(plan + "/versions/2/graph"),
            s -> s.get(plan + "/versions/2/topology"),
            s -> s.get(plan + "/versions/1/prediction"),
            s -> s.get(plan + "/versions/2/paths?a=x&b=y"), // the version not read yet
            s -> s.get(plan + "/compare"),
            s -> s.get("/api/v1/hosts/" + rig.host() + "/prediction"),
            s -> s.get("/api/v1/hosts/" + rig.host() + "/prediction/nccl-topology"));
    given().auth().oauth2(viewer).get(plan + "/versions/1/graph").then().statusCode(200);

    // taken for no computation (the first in line waits on only for a computation's slot): every
    // read below waits the wait and is a 503
    int held = dev.fabricscope.api.SlotsHeld.holdAll(matrices);
    assertTrue(held == config.p2p().concurrent(), "every slot held: " + held);
    // threads of its own: the common pool may have one thread on two cores
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<CompletableFuture<Response>> busy = new ArrayList<>();
      for (var read : reads) {
        // a viewer each: most of these are whole reports, 4 at once per caller (else a 429)
        String own = ApiClient.token(BandwidthClient.hostName("plan-slots-v"), "viewer", null);
        busy.add(CompletableFuture.supplyAsync(() -> read.apply(given().auth().oauth2(own)), pool));
      }
      for (int i = 0; i < busy.size(); i++) {
        Response r = busy.get(i).get(60, TimeUnit.SECONDS);
        String body = r.asString();
        assertTrue(
            r.statusCode() == 503,
            "read "
                + i
                + ": "
                + r.statusCode()
                + " "
                + body.substring(0, Math.min(200, body.length())));
        r.then().header("Retry-After", "5").contentType(containsString("application/problem+json"));
      }
    } finally {
      dev.fabricscope.api.SlotsHeld.giveBack(matrices, held);
      pool.shutdown();
    }
    for (int i = 0; i < reads.size(); i++) {
      int status = reads.get(i).apply(given().auth().oauth2(viewer)).statusCode();
      // the paths read names devices the rig lacks: refused once the version is read
      assertTrue(
          i == 5 ? status == 400 || status == 404 : status == 200, "read " + i + ": " + status);
    }
  }
}
