package dev.fabricscope.agent.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser for {@code --name value} and {@code --flag} options; options named in {@code
 * repeatable} may be given more than once ({@link #all}).
 */
public final class Options {
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, List<String>> repeated = new HashMap<>();

  public Options(List<String> args, Set<String> withValue, Set<String> flags) {
    this(args, withValue, flags, Set.of());
  }

  public Options(
      List<String> args, Set<String> withValue, Set<String> flags, Set<String> repeatable) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      if (withValue.contains(name) || repeatable.contains(name)) {
        String v = inline;
        if (v == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException(name + " needs a value");
          }
          v = args.get(++i);
        }
        if (repeatable.contains(name)) {
          repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        } else if (values.put(name, v) != null) {
          throw new UsageException(name + " given twice");
        }
      } else if (flags.contains(name) && inline == null) {
        values.put(name, "true");
      } else {
        throw new UsageException("unknown option '" + a + "'");
      }
    }
  }

  /** The value of a single-valued option, or null. */
  public String get(String name) {
    return values.get(name);
  }

  /** Every value of a repeatable option, in order (empty if none). */
  public List<String> all(String name) {
    return repeated.getOrDefault(name, List.of());
  }

  /** Whether a flag was given. */
  public boolean flag(String name) {
    return values.containsKey(name);
  }
}
