package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.config.ConfigKeys;
import dev.fabricscope.config.FabricscopeConfig;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * server.config maps one to one onto the server's settings: the keys values.schema.json accepts are
 * exactly the fabricscope.* settings of the server's one configuration ({@link FabricscopeConfig},
 * read by reflection through {@link ConfigKeys}), less those the chart sets from elsewhere (the
 * database section, Secrets, the data volume, the agents' identity). A setting added to the server
 * without its line in the schema fails here.
 */
class ChartSettingsTest {

  /** Set by the chart itself, never through server.config. */
  static final Set<String> FROM_ELSEWHERE =
      Set.of(
          "fabricscope.db.url",
          "fabricscope.db.user",
          "fabricscope.db.password",
          "fabricscope.admin-token",
          "fabricscope.data-dir",
          // agent.identity=kubernetes and agent.audience
          "fabricscope.kubernetes.agent-service-account",
          "fabricscope.kubernetes.audience");

  @Test
  void schemaAcceptsExactlyTheServersSettings() throws IOException {
    Set<String> read = new TreeSet<>();
    ConfigKeys.withDefaults().keySet().forEach(k -> read.add("fabricscope." + k));
    assertTrue(read.size() > 20, "settings of FabricscopeConfig: " + read);
    read.removeAll(FROM_ELSEWHERE);

    JsonNode schema =
        new ObjectMapper().readTree(RenderedChart.CHART.resolve("values.schema.json").toFile());
    Set<String> accepted = new TreeSet<>();
    schema
        .at("/properties/server/properties/config/properties")
        .fieldNames()
        .forEachRemaining(accepted::add);
    assertEquals(read, accepted);
  }
}
