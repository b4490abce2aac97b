package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * server.config maps one to one onto the server's settings: the keys values.schema.json accepts are
 * exactly the fabricscope.* settings the server's code reads ({@code @ConfigProperty} names in
 * src/main/java), less those the chart sets from elsewhere (the database section, Secrets, the data
 * volume). A setting added to the server without its line in the schema fails here.
 *
 * <p>Reads the sources as text: when the settings move into one {@code @ConfigMapping}, this test
 * must read that mapping instead (it fails, not passes, when it finds no setting).
 */
class ChartSettingsTest {

  static final Pattern CONFIG_PROPERTY =
      Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"(fabricscope\\.[a-z0-9.-]+)\"");

  /** Set by the chart itself, never through server.config. */
  static final Set<String> FROM_ELSEWHERE =
      Set.of(
          "fabricscope.db.url",
          "fabricscope.db.user",
          "fabricscope.db.password",
          "fabricscope.admin-token",
          "fabricscope.data-dir");

  @Test
  void schemaAcceptsExactlyTheServersSettings() throws IOException {
    Set<String> read = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = CONFIG_PROPERTY.matcher(Files.readString(f));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    assertTrue(read.size() > 20, "settings found in src/main/java: " + read);
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
