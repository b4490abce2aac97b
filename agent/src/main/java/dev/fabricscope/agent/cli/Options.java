package dev.fabricscope.agent.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small parser for {@code --name value} and {@code --flag} options. */
final class Options {
  private final Map<String, String> values = new HashMap<>();

  Options(List<String> args, Set<String> withValue, Set<String> flags) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      if (withValue.contains(name)) {
        String v = inline;
        if (v == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          v = args.get(++i);
        }
        if (values.put(name, v) != null) {
          throw new UsageException(name + " given twice");
        }
      } else if (flags.contains(name) && inline == null) {
        values.put(name, "true");
      } else {
        throw new UsageException("unknown option '" + a + "'");
      }
    }
  }

  String get(String name) {
    return values.get(name);
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }
}
