package dev.fabricscope.deploy;

import static dev.fabricscope.deploy.PodParts.env;
import static dev.fabricscope.deploy.PodParts.mountAt;
import static dev.fabricscope.deploy.PodParts.only;
import static dev.fabricscope.deploy.PodParts.volumeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent DaemonSet: the host's /sys and /proc read-only under the agent's fsroot, its node's
 * token from a Secret, and the privileged mode only when asked for. Arguments are those of {@code
 * fabricscope-agent run} (README, "Sending reports to the server").
 */
class HelmAgentTest {

  @Test
  void readsTheHostsSysAndProcReadOnlyUnderItsFsroot() {
    PodSpec pod = agentPod(RenderedChart.render());
    Container c = only(pod);
    assertEquals("/sys", volumeAt(pod, "/host/sys").getHostPath().getPath());
    assertEquals("/proc", volumeAt(pod, "/host/proc").getHostPath().getPath());
    assertTrue(mountAt(c, "/host/sys").getReadOnly());
    assertTrue(mountAt(c, "/host/proc").getReadOnly());
    assertEquals("/host", argAfter(c, "--fsroot"));
    // the node's kernel host name (the report's host) and its own NICs: the host's namespaces
    assertTrue(pod.getHostNetwork());
    assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
    assertEquals("http://fleet-fabricscope-server.fabric.svc:8080", argAfter(c, "--server"));
    assertEquals("5m", argAfter(c, "--interval"));
    assertEquals("1h", argAfter(c, "--heartbeat"));
    assertEquals("run", c.getArgs().get(0));
    assertTrue(c.getArgs().contains("--gzip"));
    assertFalse(c.getArgs().contains("--nvml"));
  }

  @Test
  void readsItsOwnNodesTokenFromTheSecret() {
    PodSpec pod = agentPod(RenderedChart.render(HelmDatabaseTest.PG_VALUES));
    Container c = only(pod);
    // Kubernetes expands $(NODE_NAME) in args from the variable the container defines
    assertEquals("/etc/fabricscope-agent/tokens/$(NODE_NAME)", argAfter(c, "--token-file"));
    assertEquals("spec.nodeName", env(c, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath());
    assertTrue(mountAt(c, "/etc/fabricscope-agent/tokens").getReadOnly());
    assertEquals(
        "fleet-agent-tokens",
        volumeAt(pod, "/etc/fabricscope-agent/tokens").getSecret().getSecretName());
    // 0440: the agent warns about world-readable token files
    assertEquals(0440, volumeAt(pod, "/etc/fabricscope-agent/tokens").getSecret().getDefaultMode());
    assertEquals(65532L, pod.getSecurityContext().getFsGroup());
    assertEquals("2m", argAfter(c, "--interval"));
    assertEquals(List.of("rack=r12", "zone=eu-1"), argsAfter(c, "--label"));
  }

  @Test
  void unprivilegedByDefault() {
    PodSpec pod = agentPod(RenderedChart.render());
    Container c = only(pod);
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertNull(c.getSecurityContext().getPrivileged());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(c.getVolumeMounts().stream().noneMatch(m -> m.getMountPath().startsWith("/dev")));
    assertNull(pod.getRuntimeClassName());
  }

  @Test
  void privilegedModeAddsRootDevicesAndGpus() {
    PodSpec pod =
        agentPod(RenderedChart.render(HelmChartTest.CI.resolve("privileged-agent-values.yaml")));
    Container c = only(pod);
    assertTrue(c.getSecurityContext().getPrivileged());
    assertEquals(0L, pod.getSecurityContext().getRunAsUser());
    assertEquals("/dev/infiniband", volumeAt(pod, "/dev/infiniband").getHostPath().getPath());
    assertEquals("DirectoryOrCreate", volumeAt(pod, "/dev/infiniband").getHostPath().getType());
    // still read-only: privileges do not open the host's trees for writing
    assertTrue(mountAt(c, "/host/sys").getReadOnly());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    // GPUs through the NVIDIA runtime, NVML asked although --fsroot is not /
    assertEquals("nvidia", pod.getRuntimeClassName());
    assertEquals("all", env(c, "NVIDIA_VISIBLE_DEVICES").getValue());
    assertTrue(c.getArgs().contains("--nvml"));
    assertFalse(c.getArgs().contains("--gzip"));
    // placement from values
    assertEquals("true", pod.getNodeSelector().get("nvidia.com/gpu.present"));
    assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
    assertEquals("NoSchedule", pod.getTolerations().get(0).getEffect());
    assertEquals(
        List.of("amd64"),
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .get(0)
            .getMatchExpressions()
            .get(0)
            .getValues());
  }

  static PodSpec agentPod(RenderedChart chart) {
    return chart.get(DaemonSet.class).getSpec().getTemplate().getSpec();
  }

  static String argAfter(Container c, String option) {
    List<String> values = argsAfter(c, option);
    assertEquals(1, values.size(), option + " given " + values.size() + " times");
    return values.get(0);
  }

  static List<String> argsAfter(Container c, String option) {
    List<String> args = c.getArgs();
    return java.util.stream.IntStream.range(0, args.size() - 1)
        .filter(i -> args.get(i).equals(option))
        .mapToObj(i -> args.get(i + 1))
        .toList();
  }
}
