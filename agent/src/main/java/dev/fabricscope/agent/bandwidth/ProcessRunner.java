package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Starts helper programs: only from a {@link CommandLine} (an argument vector, never a shell
 * string), every part checked again right before the start, with a clean minimal environment
 * ({@value #PATH}, {@code LC_ALL=C} so number formats are C's, plus named extras), standard input
 * closed, both output streams read and bounded, a time limit from {@link Cancellation}, and
 * everything it starts killed with it ({@link HelperContainment}: its own PID namespace where the
 * agent may, else its own process group). A start hook and counter let tests prove that nothing was
 * started.
 */
public final class ProcessRunner {

  /** Kept per output stream; perftest prints about 2 KB, iperf3's JSON 3 KB per second. */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

  /** Time between SIGTERM and SIGKILL. */
  public static final long DEFAULT_GRACE_MILLIS = 2000;

  /** The PATH helpers see; the program itself is always named by absolute path. */
  public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,40}");

  private final int maxOutputBytes;
  private final long graceMillis;
  private final HelperContainment containment;
  private final AtomicInteger starts = new AtomicInteger();
  private volatile Consumer<List<String>> startHook = argv -> {};

  public ProcessRunner() {
    this(DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_GRACE_MILLIS);
  }

  /**
   * @param maxOutputBytes bytes kept per stream
   * @param graceMillis time between SIGTERM and SIGKILL when killing
   */
  public ProcessRunner(int maxOutputBytes, long graceMillis) {
    this(maxOutputBytes, graceMillis, HelperContainment.detected());
  }

  /**
   * @param containment how what a helper starts is killed with it ({@link
   *     HelperContainment#detected()} outside tests)
   */
  ProcessRunner(int maxOutputBytes, long graceMillis, HelperContainment containment) {
    if (maxOutputBytes < 1 || graceMillis < 0) {
      throw new IllegalArgumentException("output bound must be positive, grace not negative");
    }
    this.maxOutputBytes = maxOutputBytes;
    this.graceMillis = graceMillis;
    this.containment = containment;
  }

  /** How this runner keeps a helper's children from outliving it. */
  public HelperContainment containment() {
    return containment;
  }

  /** Called with the argument vector right before each start (tests, audit logging). */
  public void onStart(Consumer<List<String>> hook) {
    this.startHook = hook == null ? argv -> {} : hook;
  }

  /** How many processes this runner started. */
  public int starts() {
    return starts.get();
  }

  /**
   * Starts a process and returns at once (a listener, or a run awaited by the caller).
   *
   * @param env extra environment variables (names {@code [A-Z][A-Z0-9_]*}, values checked like
   *     command line values)
   * @throws HelperException when a part fails its check (nothing is started) or the start fails
   */
  public RunningProcess start(CommandLine cmd, Map<String, String> env) throws HelperException {
    try {
      cmd.check();
      env.forEach(ProcessRunner::checkEnv);
    } catch (IllegalArgumentException e) {
      throw new HelperException(
          "refused to start " + cmd.program().getFileName() + ": " + e.getMessage());
    }
    List<String> argv = cmd.argv();
    ProcessBuilder pb = new ProcessBuilder(containment.wrap(argv));
    Map<String, String> e = pb.environment();
    e.clear();
    e.put("PATH", PATH);
    e.put("LC_ALL", "C");
    e.putAll(env);
    if (containment.mode() != HelperContainment.Mode.DESCENDANTS
        && !java.nio.file.Files.isExecutable(cmd.program())) {
      // behind a wrapper the start itself would succeed and the exec fail later, out of sight
      throw new HelperException(
          "could not start " + cmd.program() + ": not an executable file (or none there)");
    }
    return launch(pb, argv, cmd.program().toString(), false);
  }

  /**
   * Starts {@code pb} (after the start hook saw {@code argv}) with its standard input closed, so a
   * helper that reads it sees end of file; {@code own} for the agent's own child JVM ({@link
   * BoundedCapture#OWN_QUIET_MILLIS}).
   */
  private RunningProcess launch(ProcessBuilder pb, List<String> argv, String program, boolean own)
      throws HelperException {
    startHook.accept(argv);
    Process p;
    try {
      p = pb.start();
      starts.incrementAndGet();
    } catch (IOException ex) {
      throw new HelperException(
          "could not start " + program + ": " + Endpoint.printable(ex.getMessage()));
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing was ever written; a failed close leaves nothing to clean up
    }
    return new RunningProcess(p, argv, containment, maxOutputBytes, graceMillis, own);
  }

  /**
   * A runner for the agent's own child JVMs ({@link #startOwn}), held like helpers: what the driver
   * library forks dies with the child (security review 18, #1: held by its descendants only, a
   * library's daemons and pipe holders outlived it, one more per scan). The containment is probed
   * once per agent, when the first child starts (review 17, L6: a few milliseconds).
   */
  public static ProcessRunner forOwnChildren(int maxOutputBytes, long graceMillis) {
    return new ProcessRunner(maxOutputBytes, graceMillis, HelperContainment.detected());
  }

  /**
   * Starts the agent's own JVM again, to make a native call that may hang or crash away from this
   * process ({@code dev.fabricscope.agent.isolation.ChildJvm}). The argument vector is made by the
   * agent from its own runtime (java binary, class path, system properties), never from input, so
   * it is not held to {@link CommandLine}'s character rules (a class path may hold any file name).
   * The environment is inherited, as {@link #ownChildEnvironment} leaves it: the child is this same
   * program, and the native libraries it loads read it ({@code LD_LIBRARY_PATH}, the driver's own
   * variables). Standard input is closed, output bounded, and the child held in this runner's
   * {@link HelperContainment} as every helper is: what it starts dies with it.
   *
   * @param dir the child's working folder: one no other user can write ({@code /}), since the
   *     dynamic loader may search it (review 17, M1)
   * @throws HelperException when the start fails
   */
  public RunningProcess startOwn(List<String> argv, java.nio.file.Path dir) throws HelperException {
    return startOwn(argv, dir, null);
  }

  /**
   * {@link #startOwn(List, java.nio.file.Path)} with {@code base} in place of this JVM's
   * environment (tests: an {@code LD_LIBRARY_PATH} or {@code JAVA_TOOL_OPTIONS} this JVM was not
   * started with).
   */
  RunningProcess startOwn(List<String> argv, java.nio.file.Path dir, Map<String, String> base)
      throws HelperException {
    ProcessBuilder pb = new ProcessBuilder(containment.wrap(argv)).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    if (base != null) {
      env.clear();
      env.putAll(base);
    }
    ownChildEnvironment(env);
    return launch(pb, argv, argv.get(0), true);
  }

  /**
   * The variables a JVM reads its options from besides its command line. A child must not get them:
   * a {@code -javaagent} or {@code -agentlib:jdwp=…,address=5005} there is loaded a second time,
   * fails to bind the port the agent holds and aborts the child, so NVML and CUDA are absent on
   * every scan; an {@code -Xmx} there overrides the child's own (review 17, M2).
   */
  static final List<String> JVM_OPTION_VARIABLES =
      List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  /**
   * Makes an inherited environment fit for the agent's own child, in place: without {@link
   * #JVM_OPTION_VARIABLES}, and {@code LD_LIBRARY_PATH} without empty or relative entries (gone
   * altogether when none is left). Why: glibc reads an empty entry ({@code :/usr/local/cuda/lib64},
   * what {@code export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:…} gives when it was unset) as the working
   * folder, and a relative one against it; the child is root and loads {@code libnvidia-ml.so} and
   * {@code libcuda.so} by bare name, so a library planted there by any user would run as root on
   * every scan (review 17, M1).
   */
  static Map<String, String> ownChildEnvironment(Map<String, String> env) {
    JVM_OPTION_VARIABLES.forEach(env::remove);
    String ld = env.get("LD_LIBRARY_PATH");
    if (ld != null) {
      String kept = absoluteEntries(ld);
      if (kept.isEmpty()) {
        env.remove("LD_LIBRARY_PATH");
      } else {
        env.put("LD_LIBRARY_PATH", kept);
      }
    }
    return env;
  }

  /**
   * The absolute entries of a library path, in order. glibc splits {@code LD_LIBRARY_PATH} at
   * {@code :} and also at {@code ;}, so both separate here.
   */
  static String absoluteEntries(String libraryPath) {
    List<String> kept = new java.util.ArrayList<>();
    for (String entry : libraryPath.split("[:;]", -1)) {
      if (entry.startsWith("/")) {
        kept.add(entry);
      }
    }
    return String.join(":", kept);
  }

  /**
   * Runs a process to its end, or until {@code cancel} stops it (then it is killed).
   *
   * @throws HelperException when the run was cancelled or timed out before it started, or {@link
   *     #start} refuses it
   */
  public ProcessResult run(CommandLine cmd, Map<String, String> env, Cancellation cancel)
      throws HelperException {
    if (cancel.stop()) {
      throw new HelperException(
          (cancel.cancelled() ? "cancelled" : "deadline passed")
              + " before "
              + cmd.program().getFileName()
              + " started");
    }
    return start(cmd, env).await(cancel);
  }

  private static void checkEnv(String name, String value) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("environment name '" + Endpoint.printable(name) + "'");
    }
    CommandLine.checked(new CommandLine.Arg(CommandLine.Kind.VALUE, value));
  }
}
