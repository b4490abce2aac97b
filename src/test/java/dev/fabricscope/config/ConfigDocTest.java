package dev.fabricscope.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} lists exactly the keys of {@link FabricscopeConfig}, each with the
 * mapping's default and the environment variable MicroProfile Config maps to it. The keys are read
 * from the interface by reflection ({@link ConfigKeys}), and checked against SmallRye's own reading
 * of it.
 */
class ConfigDocTest {

  static Map<String, String> mappingKeys() {
    return ConfigKeys.withDefaults();
  }

  /** Key (without the prefix) to {default, env var} from the table. */
  static Map<String, String[]> tableKeys() throws IOException {
    Map<String, String[]> out = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
      if (!line.startsWith("| `fabricscope.")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String key = strip(cells[1]).substring("fabricscope.".length());
      String[] row = {strip(cells[3]), strip(cells[5])};
      assertFalse(out.containsKey(key), "listed twice: " + key);
      out.put(key, row);
    }
    return out;
  }

  private static String strip(String cell) {
    return cell.trim().replace("`", "");
  }

  @Test
  void theTableListsEveryKeyOfTheMappingWithItsDefault() throws IOException {
    Map<String, String> mapping = mappingKeys();
    Map<String, String[]> table = tableKeys();
    assertEquals(mapping.keySet(), table.keySet());
    for (var e : mapping.entrySet()) {
      assertEquals(e.getValue(), table.get(e.getKey())[0], "default of " + e.getKey());
    }
  }

  @Test
  void theEnvironmentVariableIsTheOneMicroProfileReads() throws IOException {
    for (var e : tableKeys().entrySet()) {
      String env = e.getValue()[1];
      String key = "fabricscope." + e.getKey();
      // MicroProfile Config: every non-alphanumeric character to _, then upper case
      assertEquals(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT), env, key);
    }
  }

  @Test
  void smallRyeReadsTheSameKeys() {
    SmallRyeConfig config = TestConfigs.config(Map.of());
    for (var e : mappingKeys().entrySet()) {
      String raw = config.getRawValue("fabricscope." + e.getKey());
      assertEquals(
          e.getValue().equals(ConfigKeys.NO_DEFAULT) ? null : e.getValue(),
          raw,
          "fabricscope." + e.getKey());
    }
  }
}
