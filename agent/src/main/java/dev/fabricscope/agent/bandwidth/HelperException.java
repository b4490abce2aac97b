package dev.fabricscope.agent.bandwidth;

/** A test that could not run or whose output could not be read; the message is one line. */
public class HelperException extends Exception {

  public HelperException(String message) {
    super(message);
  }

  public HelperException(String message, Throwable cause) {
    super(message, cause);
  }
}
