package dev.fabricscope.agent.run;

/**
 * The two requests {@link RunLoop} makes of the server: {@link Sender} over HTTP, or a scripted
 * server in tests. Calls come from the loop's one thread, one at a time, and never throw for a
 * server or network failure: every outcome is a {@link Sender.Response}.
 */
public interface Transport {

  /** Posts one report body (the exact bytes whose hash the server will compare). */
  Sender.Response postReport(byte[] body);

  /** Tells the server the host still has the content with this hash. */
  Sender.Response heartbeat(String host, String contentHash);
}
