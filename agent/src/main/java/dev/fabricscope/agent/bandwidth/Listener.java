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
   * @return null while it still listens after {@code millis}; once it has ended, its measurement
   *     (perftest and iperf3 servers print their own figures), or null when it printed none
   * @throws HelperException when it ended in error, was cancelled or reached its deadline
   */
  Measurement await(long millis) throws HelperException;

  /** Stops the listener and its process, if still running. */
  @Override
  void close();
}
