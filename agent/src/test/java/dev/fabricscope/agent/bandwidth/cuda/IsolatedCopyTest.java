package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.memory.FakeTree;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.bandwidth.memory.MemoryRefusedException;
import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.isolation.ShellChildren;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parent's side of a copy in a child JVM, with shell scripts as the child: the fields travel
 * and are checked again, the child's deadline comes from the job's, the host buffers stay reserved
 * in the agent's budget while the child lives, and a hang, cancel or crash is a one-line reason.
 */
class IsolatedCopyTest {

  @TempDir Path dir;

  static final BandwidthSpec H2D =
      BandwidthSpec.of(
          BandwidthKind.GPU_H2D, Endpoint.numa(0), Endpoint.gpu(0), 8 << 20, 3, null, 1, false);

  @Test
  void everyGpuKindTravelsAsCheckedFields() {
    List<BandwidthSpec> specs =
        List.of(
            H2D,
            BandwidthSpec.of(
                BandwidthKind.GPU_D2H, Endpoint.gpu(1), Endpoint.numa(1), 4096, 1, 5, 1, true),
            BandwidthSpec.of(
                BandwidthKind.GPU_BIDIR,
                Endpoint.numa(0),
                Endpoint.gpu(0),
                BandwidthSpec.MAX_BYTES,
                BandwidthSpec.MAX_REPETITIONS,
                null,
                1,
                true),
            BandwidthSpec.of(
                BandwidthKind.GPU_D2D,
                Endpoint.gpu(2),
                Endpoint.gpu(2),
                1 << 20,
                7,
                null,
                1,
                false),
            BandwidthSpec.of(
                BandwidthKind.GPU_P2P,
                Endpoint.gpu(0),
                Endpoint.gpu(7),
                1 << 20,
                2,
                null,
                1,
                false));
    for (BandwidthSpec s : specs) {
      IsolatedCopy.Request r = IsolatedCopy.request(IsolatedCopy.args(s, 59_000));
      assertEquals(s, r.spec());
      assertEquals(Duration.ofMillis(59_000), r.deadline());
    }
  }

  @Test
  void fieldsThatAreNoCheckedGpuSpecAreRefusedInTheChild() {
    List<String> good = IsolatedCopy.args(H2D, 1000);
    List<List<String>> bad = new ArrayList<>();
    bad.add(List.of());
    bad.add(good.subList(0, 7));
    bad.add(append(good, "extra"));
    String[][] swaps = {
      {"0", "host-memcpy"},
      {"0", "GPU-H2D"},
      {"1", "numa:x"},
      {"1", "gpu:0"},
      {"2", "numa:0"},
      {"3", "08388608"},
      {"3", "+8388608"},
      {"3", "8e6"},
      {"3", "4095"},
      {"3", "99999999999999999999"},
      {"3", "17179869185"},
      {"4", "0"},
      {"4", "1001"},
      {"4", "-1"},
      {"5", ""},
      {"5", "301"},
      {"6", "TRUE"},
      {"6", "1"},
      {"7", "0"},
      {"7", "3600001"},
      {"7", "1000 "},
      {"7", "١٠٠٠"}
    };
    for (String[] s : swaps) {
      List<String> b = new ArrayList<>(good);
      b.set(Integer.parseInt(s[0]), s[1]);
      bad.add(b);
    }
    for (List<String> b : bad) {
      assertThrows(IllegalArgumentException.class, () -> IsolatedCopy.request(b), b.toString());
    }
  }

  @Test
  void theChildsDeadlineLeavesItTimeToAnswerBeforeTheJobs() {
    assertEquals(57_000, IsolatedCopy.childMillis(60_000));
    assertEquals(3_597_000, IsolatedCopy.childMillis(3_600_000));
    assertEquals(4_500, IsolatedCopy.childMillis(5_000));
    assertEquals(450, IsolatedCopy.childMillis(500));
    assertEquals(1, IsolatedCopy.childMillis(1));
    assertEquals(1, IsolatedCopy.childMillis(0));
  }

  @Test
  void theAnswerComesBackAndTheBudgetIsGivenBack() throws Exception {
    MemoryBudget budget = smallPod();
    Measurement m = new Measurement(List.of(1.5, 2.25, 3.0), "cuda-driver 13.0", "raw\nlines");
    // the script prints the answer only when the fields are those of the spec and the deadline
    String script =
        "[ \"$0 $1 $2 $3 $4 $5 $6\" = 'gpu-h2d numa:0 gpu:0 8388608 3 - false' ] && [ $7 -le 60000 ]"
            + " && printf '%s%s\\n' '"
            + ChildOutcome.MARKER
            + "' '"
            + CopyAnswer.of(m).replace("'", "'\\''")
            + "'";
    IsolatedCopy c = new IsolatedCopy(ShellChildren.sh(IsolatedCopy.WHAT, script), budget);
    assertEquals(m, c.run(H2D, Cancellation.within(60)));
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void aHangEndsAtTheJobsDeadlineWithTheBuffersReservedUntilTheChildIsGone() throws Exception {
    MemoryBudget budget = smallPod();
    IsolatedCopy c = new IsolatedCopy(ShellChildren.sh(IsolatedCopy.WHAT, "sleep 300"), budget);
    Cancellation job = Cancellation.within(Duration.ofMillis(1500));
    CompletableFuture<String> why = failure(c, job);
    await(() -> budget.reservedBytes() == 8 << 20);
    long t0 = System.nanoTime();
    assertEquals("gpu-h2d: gpu copy: no answer within 2 s", why.get(20, TimeUnit.SECONDS));
    assertTrue(job.expired());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 1500 + 2000);
    assertEquals(0, budget.reservedBytes());
  }

  @Test
  void aCancelStopsTheChildAndACrashIsNamed() throws Exception {
    MemoryBudget budget = smallPod();
    IsolatedCopy hang = new IsolatedCopy(ShellChildren.sh(IsolatedCopy.WHAT, "sleep 300"), budget);
    Cancellation job = Cancellation.within(600);
    CompletableFuture<String> why = failure(hang, job);
    await(() -> budget.reservedBytes() > 0);
    long t0 = System.nanoTime();
    job.cancel();
    assertEquals(
        "gpu-h2d: gpu copy: the CUDA copy child was stopped", why.get(20, TimeUnit.SECONDS));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms < 2000, ms + " ms");
    assertEquals(0, budget.reservedBytes());

    IsolatedCopy crash =
        new IsolatedCopy(
            ShellChildren.sh(IsolatedCopy.WHAT, "sh -c 'kill -SEGV $$'; exit $?"), budget);
    HelperException e =
        assertThrows(HelperException.class, () -> crash.run(H2D, Cancellation.within(60)));
    assertEquals(
        "gpu-h2d: gpu copy: the CUDA copy child exited with 139 (SIGSEGV)", e.getMessage());
  }

  @Test
  void buffersOverTheBudgetStartNoChild() {
    IsolatedCall call = ShellChildren.sh(IsolatedCopy.WHAT, "true");
    IsolatedCopy c = new IsolatedCopy(call, smallPod());
    BandwidthSpec big =
        BandwidthSpec.of(
            BandwidthKind.GPU_BIDIR,
            Endpoint.numa(0),
            Endpoint.gpu(0),
            17 << 20,
            1,
            null,
            1,
            false);
    HelperException e =
        assertThrows(MemoryRefusedException.class, () -> c.run(big, Cancellation.within(60)));
    assertTrue(e.getMessage().startsWith("gpu-bidir needs 34 MiB"), e.getMessage());
    assertEquals(0, ShellChildren.starts(call));
  }

  private static CompletableFuture<String> failure(IsolatedCopy c, Cancellation job) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return "answered: " + c.run(H2D, job);
          } catch (HelperException e) {
            return e.getMessage();
          }
        });
  }

  private static void await(java.util.function.BooleanSupplier cond) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "timed out");
      Thread.sleep(10);
    }
  }

  private static List<String> append(List<String> l, String s) {
    List<String> out = new ArrayList<>(l);
    out.add(s);
    return out;
  }

  /** A pod of 64 MiB with nothing in use: tests may take 32 MiB. */
  private MemoryBudget smallPod() {
    FakeTree pod = new FakeTree(dir.resolve("pod")).selfCgroup("0::/\n").v2("/", 64L << 20, 0, 0);
    return new MemoryBudget(pod::sysfs, () -> 0);
  }
}
