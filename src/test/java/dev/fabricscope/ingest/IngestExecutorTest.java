package dev.fabricscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.security.ApiException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IngestExecutorTest {

  @Test
  void aFullQueueIsA503NotAnEverGrowingBacklog() throws Exception {
    IngestExecutor executor = new IngestExecutor();
    executor.threads = 1;
    executor.queue = 1;
    executor.start();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    var first =
        executor
            .submit(
                () -> {
                  running.countDown();
                  await(release);
                  return "first";
                })
            .subscribeAsCompletionStage();
    assertTrue(running.await(5, TimeUnit.SECONDS));
    var queued = executor.submit(() -> "queued").subscribeAsCompletionStage();
    Throwable refused =
        executor
            .submit(() -> "refused")
            .onItem()
            .transform(s -> (Throwable) null)
            .onFailure()
            .recoverWithItem(t -> t)
            .await()
            .atMost(Duration.ofSeconds(5));
    assertTrue(refused instanceof ApiException, String.valueOf(refused));
    assertEquals(503, ((ApiException) refused).status());
    release.countDown();
    assertEquals("first", first.get(5, TimeUnit.SECONDS));
    assertEquals("queued", queued.get(5, TimeUnit.SECONDS));
    executor.stop(null);
  }

  @Test
  void moreThreadsWhereTheyWaitForADatabaseServer() {
    assertEquals(4, IngestExecutor.defaultThreads("", 2));
    assertEquals(8, IngestExecutor.defaultThreads("jdbc:postgresql://db:5432/fabricscope", 2));
    assertEquals(2, IngestExecutor.defaultThreads("jdbc:h2:mem:x", 1));
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
