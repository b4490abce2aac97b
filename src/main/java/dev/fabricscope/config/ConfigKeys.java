package dev.fabricscope.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of {@link FabricscopeConfig}, read from the interface by reflection with SmallRye's
 * naming (method names in kebab case, {@link WithName} where given): for warning about settings
 * that are no key (a typo is otherwise silently ignored) and for holding the documentation's table
 * to the mapping.
 */
public final class ConfigKeys {

  /** What a key without a default shows as its default. */
  public static final String NO_DEFAULT = "(none)";

  private ConfigKeys() {}

  /** Every key, without the {@code fabricscope.} prefix, to its default or {@link #NO_DEFAULT}. */
  public static Map<String, String> withDefaults() {
    Map<String, String> out = new TreeMap<>();
    walk(FabricscopeConfig.class, "", out);
    return out;
  }

  private static void walk(Class<?> type, String prefix, Map<String, String> out) {
    Method[] methods = type.getDeclaredMethods();
    Arrays.sort(methods, Comparator.comparing(Method::getName));
    for (Method m : methods) {
      if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
        continue;
      }
      WithName named = m.getAnnotation(WithName.class);
      String key = prefix + (named != null ? named.value() : kebab(m.getName()));
      Class<?> r = m.getReturnType();
      // a group: an interface of this package, nested in FabricscopeConfig or a file of its own
      if (r.isInterface() && r.getPackageName().equals(FabricscopeConfig.class.getPackageName())) {
        walk(r, key + ".", out);
      } else {
        WithDefault d = m.getAnnotation(WithDefault.class);
        out.put(key, d == null ? NO_DEFAULT : d.value());
      }
    }
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
