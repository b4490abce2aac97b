package dev.fabricscope.agent.bandwidth;

/**
 * The running target side of a two-sided test. {@link #peer()} is what the source side needs;
 * {@link #await(long)} waits for the listener's own end (it measures too: perftest servers print
 * their figures) and {@link #close()} stops it.
 */
public interface Listener extends AutoCloseable {

  /** Where it listens. */
  Peer peer();

  /**
   * Waits up to {@code millis} for the listener to finish.
   *
   * @return its measurement when it prints one (perftest), else null
   */
  Measurement await(long millis) throws HelperException;

  /** Stops the listener and its process, if still running. */
  @Override
  void close();
}
