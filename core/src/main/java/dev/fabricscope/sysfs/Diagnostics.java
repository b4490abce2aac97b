package dev.fabricscope.sysfs;

import dev.fabricscope.topology.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** Collects what a discovery could not read: every unknown value leaves a line here. */
public final class Diagnostics {
  private final List<Diagnostic> items = new ArrayList<>();

  /** Adds one entry. */
  public synchronized void add(String path, String reason) {
    items.add(new Diagnostic(path, reason));
  }

  /** Adds an entry for a failed read. */
  public void failed(String path, SysfsRoot.Read<?> read) {
    add(path, read.problem());
  }

  /** The entries so far, in order. */
  public synchronized List<Diagnostic> list() {
    return List.copyOf(items);
  }
}
