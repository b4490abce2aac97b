package dev.fabricscope.agent.cli;

import java.util.Iterator;
import java.util.List;

/** The values of a {@code --format text|json} option, for shell completion. */
final class TextOrJson implements Iterable<String> {

  @Override
  public Iterator<String> iterator() {
    return List.of("text", "json").iterator();
  }
}
