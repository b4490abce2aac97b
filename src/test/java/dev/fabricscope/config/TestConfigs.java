package dev.fabricscope.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * {@link FabricscopeConfig} built from given values only, as Quarkus builds it (same converter).
 */
final class TestConfigs {

  private TestConfigs() {}

  static SmallRyeConfig config(Map<String, String> values) {
    return new SmallRyeConfigBuilder()
        .withMapping(FabricscopeConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(values, "test", 500))
        .build();
  }

  static FabricscopeConfig mapping(Map<String, String> values) {
    return config(values).getConfigMapping(FabricscopeConfig.class);
  }
}
