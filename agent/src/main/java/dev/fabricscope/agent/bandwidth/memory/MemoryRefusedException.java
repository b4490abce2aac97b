package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.agent.bandwidth.HelperException;

/**
 * A test whose host buffers do not fit the agent's memory budget ({@link MemoryBudget}), refused
 * before anything is allocated; the message is one line naming the need, what is available and each
 * limit. A job reports it as its error; the {@code bandwidth} command exits 2 with it.
 */
public final class MemoryRefusedException extends HelperException {

  public MemoryRefusedException(String message) {
    super(message);
  }
}
