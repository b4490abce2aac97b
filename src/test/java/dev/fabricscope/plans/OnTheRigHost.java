package dev.fabricscope.plans;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import org.junit.jupiter.api.BeforeEach;

/**
 * The plan tests' starting point: an operator, and a host of its own imported from the QEMU rig's
 * archive ({@code sysfs/qemu-rig-iommu.tar.gz}), new for every test.
 */
abstract class OnTheRigHost {

  String operator;
  String host;

  @BeforeEach
  void importTheRig() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("plan-op"), "operator", null);
    host = BandwidthClient.hostName("plan-host");
    ApiClient.importFixture(operator, "sysfs/qemu-rig-iommu.tar.gz", host);
  }
}
