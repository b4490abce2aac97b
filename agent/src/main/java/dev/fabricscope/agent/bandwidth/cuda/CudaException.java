package dev.fabricscope.agent.bandwidth.cuda;

/** A CUDA driver call failed, or the driver is absent; the message is one line. */
public final class CudaException extends Exception {
  public CudaException(String message) {
    super(message);
  }
}
