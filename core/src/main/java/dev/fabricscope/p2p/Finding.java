package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * One finding of {@link FleetFindings} about a host.
 *
 * @param rule stable rule identifier (the constants of {@link FleetFindings})
 * @param severity how urgent
 * @param host the host's name as the fleet knows it
 * @param devices the BDFs concerned (an RDMA device's name when it has no PCI function), sorted;
 *     empty for host-wide findings; at most {@link FleetFindings#MAX_DEVICES_LISTED} from {@link
 *     FleetFindings#forHost}, whose message then says how many there are
 * @param message a sentence a person understands
 * @param fix what to change, null when there is nothing to change
 * @param count how many findings of its rule this one stands for: 1, or more where a host had more
 *     than {@link FleetFindings#MAX_PER_RULE} and the rest were folded into this one
 */
@JsonPropertyOrder({"rule", "severity", "host", "devices", "message", "fix", "count"})
public record Finding(
    String rule,
    Severity severity,
    String host,
    List<String> devices,
    String message,
    String fix,
    int count) {

  public Finding {
    devices = List.copyOf(devices);
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
  }

  /** One finding. */
  public Finding(
      String rule,
      Severity severity,
      String host,
      List<String> devices,
      String message,
      String fix) {
    this(rule, severity, host, devices, message, fix, 1);
  }

  /** Urgency, written in lower case in JSON. */
  public enum Severity {
    INFO("info"),
    WARNING("warning"),
    CRITICAL("critical");

    private final String json;

    Severity(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }
  }
}
