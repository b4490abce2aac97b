package dev.fabricscope.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields a deserialized fabric8 Kubernetes object did not know. fabric8's model types accept any
 * field and keep the ones they lack in {@code additionalProperties} (a misspelled {@code
 * readOnlyRootFileSystem} lands there, and the API server would drop it or refuse it): this walks
 * the object graph through its getters and lists every such field by its path.
 */
final class UnknownFields {

  private UnknownFields() {}

  /**
   * Paths such as {@code spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem}.
   */
  static List<String> find(Object root) {
    List<String> found = new ArrayList<>();
    walk(root, "", found);
    return found;
  }

  private static void walk(Object value, String path, List<String> found) {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "[" + k + "]", found));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return; // strings, numbers, booleans, enums of the JDK
    }
    for (Method getter : value.getClass().getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !name.startsWith("get")
          || name.equals("getClass")) {
        continue;
      }
      Object child = call(getter, value);
      if (name.equals("getAdditionalProperties")) {
        for (Object field : ((Map<?, ?>) child).keySet()) {
          found.add(join(path, String.valueOf(field)));
        }
      } else {
        walk(child, join(path, property(name)), found);
      }
    }
  }

  private static Object call(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " failed", e);
    }
  }

  /** {@code getReadOnlyRootFilesystem} → {@code readOnlyRootFilesystem}, as Jackson names it. */
  private static String property(String getter) {
    String p = getter.substring(3);
    return Character.toLowerCase(p.charAt(0)) + p.substring(1);
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
