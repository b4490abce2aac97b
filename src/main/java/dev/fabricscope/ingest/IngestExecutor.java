package dev.fabricscope.ingest;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.Database;
import dev.fabricscope.security.ApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that parse, validate and store reports: a few (two per core by default), not one per
 * request. Parsing is CPU work, so running 64 reports at once on 2 cores only adds parse trees in
 * memory (garbage-collector work) and thread switches; queued reports wait as received bytes
 * instead. When the queue is full the request gets 503 with {@code Retry-After}, and agents back
 * off and retry (their spool keeps the report).
 */
@ApplicationScoped
public class IngestExecutor {

  @Inject FabricscopeConfig config;
  @Inject Database database;

  // set from the configuration at start (tests set them directly)
  int threads;
  int queue;
  String dbUrl = "";

  private ThreadPoolExecutor pool;

  @PostConstruct
  void init() {
    threads = config.ingest().threads();
    queue = config.ingest().queue();
    dbUrl = database.url();
    start();
  }

  void start() {
    int n = threads > 0 ? threads : defaultThreads(dbUrl, cores());
    AtomicInteger count = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            n,
            n,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(Math.max(1, queue)),
            r -> {
              Thread t = new Thread(r, "fabricscope-ingest-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Two threads per core on the embedded H2, where storing is CPU work too; four per core on a
   * database server, where a thread also waits for round trips and the commit's fsync (measured: at
   * 300 changed reports/s on PostgreSQL, p99 45 ms with two per core, 15 ms with four).
   */
  static int defaultThreads(String dbUrl, int cores) {
    return Math.max(2, (dbUrl.startsWith("jdbc:postgresql:") ? 4 : 2) * cores);
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  void stop(@Observes ShutdownEvent e) throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Runs blocking ingest work on these threads; the result completes the request. */
  public <T> Uni<T> submit(Supplier<T> work) {
    return Uni.createFrom()
        .emitter(
            em -> {
              try {
                pool.execute(
                    () -> {
                      try {
                        em.complete(work.get());
                      } catch (Throwable t) {
                        em.fail(t);
                      }
                    });
              } catch (RejectedExecutionException full) {
                em.fail(
                    new ApiException(
                        503,
                        "Server busy",
                        "the server has "
                            + queue
                            + " reports waiting to be stored; retry after a few seconds"));
              }
            });
  }
}
