package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * values.schema.json refuses bad values before anything is rendered: one test per refusal, each
 * checking Helm's own message (the JSON pointer of the value and what was wrong with it).
 */
class HelmSchemaTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void h2WithTwoReplicas() {
    refused(
        Map.of("server", Map.of("replicas", 2)), "at '/server/replicas': maximum: got 2, want 1");
  }

  @Test
  void negativeReplicas() {
    refused(
        Map.of("server", Map.of("replicas", -1)), "at '/server/replicas': minimum: got -1, want 0");
  }

  @Test
  void fractionalReplicas() {
    refused(
        Map.of("server", Map.of("replicas", 1.5)),
        "at '/server/replicas': got number, want integer");
  }

  @Test
  void badImagePullPolicy() {
    refused(
        Map.of("server", Map.of("image", Map.of("pullPolicy", "Sometimes"))),
        "at '/server/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'");
  }

  @Test
  void postgresqlWithoutUrl() {
    refused(
        Map.of(
            "database",
            Map.of(
                "mode", "postgresql", "postgresql", Map.of("user", "u", "passwordSecret", "pw"))),
        "at '/database/postgresql/url': minLength: got 0, want 1");
  }

  @Test
  void postgresqlUrlThatIsNotPostgresql() {
    refused(
        Map.of(
            "database",
            Map.of(
                "mode",
                "postgresql",
                "postgresql",
                Map.of("url", "jdbc:h2:mem:x", "user", "u", "passwordSecret", "pw"))),
        "at '/database/postgresql/url': 'jdbc:h2:mem:x' does not match pattern");
  }

  @Test
  void postgresqlWithoutPasswordSecret() {
    refused(
        Map.of(
            "database",
            Map.of(
                "mode",
                "postgresql",
                "postgresql",
                Map.of("url", "jdbc:postgresql://db:5432/fs", "user", "u"))),
        "at '/database/postgresql/passwordSecret': minLength: got 0, want 1");
  }

  @Test
  void unknownDatabaseMode() {
    refused(
        Map.of("database", Map.of("mode", "mysql")),
        "at '/database/mode': value must be one of 'postgresql', 'h2'");
  }

  @Test
  void privilegedNotBoolean() {
    refused(
        Map.of("agent", Map.of("privileged", Map.of("enabled", "yes"))),
        "at '/agent/privileged/enabled': got string, want boolean");
  }

  @Test
  void misspelledSetting() {
    refused(
        Map.of("server", Map.of("config", Map.of("fabricscope.bandwith.sweep", "1s"))),
        "at '/server/config': additional properties 'fabricscope.bandwith.sweep' not allowed");
  }

  @Test
  void secretAmongTheSettings() {
    // secrets come from Secrets only (server.adminToken, database.postgresql.*Secret)
    refused(
        Map.of("server", Map.of("config", Map.of("fabricscope.admin-token", "s3cret"))),
        "additional properties 'fabricscope.admin-token' not allowed");
  }

  @Test
  void settingOfTheWrongType() {
    refused(
        Map.of("server", Map.of("config", Map.of("fabricscope.ingest.queue", "many"))),
        "at '/server/config/fabricscope.ingest.queue': got string, want integer");
  }

  @Test
  void badDuration() {
    refused(
        Map.of("agent", Map.of("interval", "5 minutes")),
        "at '/agent/interval': '5 minutes' does not match pattern");
  }

  @Test
  void ingressWithoutHost() {
    refused(
        Map.of("server", Map.of("ingress", Map.of("enabled", true))),
        "at '/server/ingress/host': minLength: got 0, want 1");
  }

  @Test
  void misspelledValue() {
    refused(
        Map.of("server", Map.of("replica", 3)),
        "at '/server': additional properties 'replica' not allowed");
  }

  @Test
  void agentLabelThatTheAgentRefuses() {
    refused(
        Map.of("agent", Map.of("labels", Map.of("rack", "r 12"))),
        "at '/agent/labels/rack': 'r 12' does not match pattern");
  }

  @Test
  void serverUrlWithUserInfo() {
    refused(
        Map.of("agent", Map.of("serverUrl", "http://user@fabricscope:8080")),
        "at '/agent/serverUrl'");
  }

  private void refused(Map<String, ?> values, String message) {
    Path file = dir.resolve("values.yaml");
    try {
      YAML.writeValue(file.toFile(), values);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RenderedChart.template(file).call());
    assertTrue(
        e.getMessage().contains("values don't meet the specifications of the schema"),
        e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
