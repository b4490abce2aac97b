package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * How a failed exchange reads in the agent's log. A server stopping mid-request once read as {@code
 * IOException: HTTP/1.1 header parser received no bytes}, which {@code RunAgentIT} took for an
 * unexpected exception now and then, depending on when its fake server stopped.
 */
class SenderTest {

  @Test
  void theOutagesAnAgentMeetsAreNamed() {
    assertEquals("connection refused", Sender.describe(new ConnectException("x")));
    assertEquals("timeout", Sender.describe(new HttpTimeoutException("x")));
    assertEquals("aborted", Sender.describe(new CancellationException()));
    for (IOException closed :
        new IOException[] {
          new IOException("HTTP/1.1 header parser received no bytes"),
          new SocketException("Connection reset"),
          new EOFException("EOF reached while reading"),
        }) {
      assertEquals("connection closed before an answer", Sender.describe(closed));
    }
    assertEquals("IOException: disk full", Sender.describe(new IOException("disk full")));
  }
}
