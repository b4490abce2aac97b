package dev.fabricscope.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code fabricscope.kubernetes.*}: agents that prove which node they run on with a Kubernetes
 * service-account token instead of a fabricscope token. The kubelet gives each agent pod a token
 * bound to that pod (a projected {@code serviceAccountToken} volume with this audience); the server
 * asks the API server about it (a {@code TokenReview}) and takes the node name the API server
 * stamps into it (Kubernetes 1.30 and later) as the one host the agent may write. A node can only
 * obtain tokens for the pods bound to it, so one node's root cannot act for another.
 */
public interface KubernetesConfig {

  /**
   * The agents' service account, {@code NAMESPACE/NAME}; unset: no Kubernetes tokens are accepted.
   */
  Optional<String> agentServiceAccount();

  /** The audience the agents' tokens are made for and the review asks about. */
  @WithDefault("fabricscope")
  String audience();

  /** The API server, as pods reach it. */
  @WithDefault("https://kubernetes.default.svc")
  String apiServer();

  /** The cluster's CA certificate (PEM) that the API server's certificate is checked against. */
  @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
  Path caFile();

  /** The server's own service-account token, read for each review (the kubelet rotates it). */
  @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
  Path tokenFile();

  /** How long a reviewed token is trusted before it is reviewed again (duration). */
  @WithDefault("60s")
  Duration reviewCache();

  /**
   * The user name the API server gives tokens of a service account written {@code NAMESPACE/NAME}
   * (each a Kubernetes DNS name); empty for any other shape, which the configuration check refuses.
   */
  static Optional<String> serviceAccountUser(String namespaceAndName) {
    if (!namespaceAndName.matches("[a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*")) {
      return Optional.empty();
    }
    return Optional.of("system:serviceaccount:" + namespaceAndName.replace('/', ':'));
  }
}
