package dev.fabricscope.agent.isolation;

import java.time.Duration;
import java.util.List;

/**
 * Isolated calls whose child is a shell script (prints, hangs or dies as told), for the tests of
 * other packages: the command line after the script ({@link IsolatedCall#call(List,
 * dev.fabricscope.agent.bandwidth.Cancellation, Duration, Runnable)}'s arguments) is the script's
 * {@code $0}, {@code $1}, and so on.
 */
public final class ShellChildren {

  private ShellChildren() {}

  /** A call running {@code /bin/sh -c script} with the call's arguments. */
  public static IsolatedCall sh(String what, String script) {
    return new IsolatedCall(what, () -> List.of("/bin/sh", "-c", script), Duration.ofMinutes(5));
  }

  /** How many children the call started. */
  public static int starts(IsolatedCall call) {
    return call.starts();
  }
}
