package dev.fabricscope.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work another caller started, as if this caller had done it. */
public final class Futures {

  private Futures() {}

  /**
   * The value of {@code f}, waiting for it; a failure is thrown as the exception the work threw (an
   * {@code ApiException} stays one), not wrapped in a {@link CompletionException}, so a caller that
   * waited answers as the caller that did the work.
   */
  public static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
