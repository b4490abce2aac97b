package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.report.ReportJson;
import java.io.IOException;

/** How {@link RunLoop} words a send in its log, and which host an acknowledged report names. */
final class SendLines {

  private SendLines() {}

  /**
   * One line per request: {@code report host=h seq=3 bytes=1200 status=201 outcome=CREATED
   * latency=12ms spool=0}, then {@code tail} (what happens next).
   *
   * @param seq the spooled report's sequence number, or -1 for a heartbeat
   */
  static String of(
      String what, String host, long seq, int bytes, Sender.Response r, int depth, String tail) {
    StringBuilder b = new StringBuilder(what).append(" host=").append(host);
    if (seq >= 0) {
      b.append(" seq=").append(seq).append(" bytes=").append(bytes);
    }
    b.append(" status=").append(r.status() == 0 ? "-" : String.valueOf(r.status()));
    if (!r.detail().isEmpty()) {
      b.append(r.kind() == Sender.Kind.OK ? " outcome=" : " error=\"")
          .append(r.detail())
          .append(r.kind() == Sender.Kind.OK ? "" : "\"");
    }
    b.append(" latency=").append(r.latencyMillis()).append("ms spool=").append(depth);
    return b.append(tail).toString();
  }

  /** The host the server named in its answer, else the report's host name, else {@code host}. */
  static String hostOf(byte[] body, Sender.Response r, String host) {
    if (r.host() != null) {
      return r.host();
    }
    try {
      JsonNode n = ReportJson.mapper().readTree(body);
      String name = n.path("host").path("name").asText(null);
      return name != null ? name : host;
    } catch (IOException e) {
      return host;
    }
  }
}
