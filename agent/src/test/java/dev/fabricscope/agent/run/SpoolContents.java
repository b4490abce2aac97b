package dev.fabricscope.agent.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a running agent's spool folder holds, read from outside the agent as the tests see it. */
final class SpoolContents {

  private SpoolContents() {}

  /** The spooled reports' contents, in file name (= sequence) order. */
  static List<String> reports(Path spool) {
    try (Stream<Path> files = Files.list(spool)) {
      List<String> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readString(p));
      }
      return out;
    } catch (IOException e) {
      return List.of("unreadable: " + e);
    }
  }

  /** Names of files being written ({@code .tmp*}): none may be left after a stop. */
  static List<String> tempFiles(Path spool) throws IOException {
    try (Stream<Path> files = Files.list(spool)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp")).toList();
    }
  }
}
