package dev.fabricscope.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: the agent's Maven project version, from a resource the build filters (so the
 * unit tests, which run from classes rather than the jar, see the same value as the jar), else the
 * jar manifest's {@code Implementation-Version}.
 */
public final class AgentVersion implements CommandLine.IVersionProvider {

  /** The version of this agent, or {@code unknown} when neither source has one. */
  public static String version() {
    try (InputStream in =
        AgentVersion.class.getResourceAsStream("/dev/fabricscope/agent/version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v.strip();
        }
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    String v = AgentVersion.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {Cli.NAME + " " + version()};
  }
}
