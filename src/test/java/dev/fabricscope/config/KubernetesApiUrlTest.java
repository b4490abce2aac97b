package dev.fabricscope.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The token review goes over TLS, or in clear to loopback only. */
class KubernetesApiUrlTest {

  @Test
  void httpsOrLoopback() {
    assertTrue(KubernetesApiUrl.acceptable("https://kubernetes.default.svc"));
    assertTrue(KubernetesApiUrl.acceptable("https://10.96.0.1:443"));
    assertTrue(KubernetesApiUrl.acceptable("http://127.0.0.1:8001"));
    assertTrue(KubernetesApiUrl.acceptable("http://localhost:8001"));
    assertTrue(KubernetesApiUrl.acceptable("http://[::1]:8001"));
    assertFalse(KubernetesApiUrl.acceptable("http://kubernetes.default.svc"));
    assertFalse(KubernetesApiUrl.acceptable("http://10.96.0.1"));
    assertFalse(KubernetesApiUrl.acceptable("http://127.0.0.1.evil.example"));
    assertFalse(KubernetesApiUrl.acceptable("https://user:pw@kubernetes.default.svc"));
    assertFalse(KubernetesApiUrl.acceptable("ftp://kubernetes.default.svc"));
    assertFalse(KubernetesApiUrl.acceptable("kubernetes.default.svc"));
    assertFalse(KubernetesApiUrl.acceptable("https://bad host"));
  }
}
