package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.bandwidth.BandwidthKind;
import java.util.List;

/** The helper list the job loop reports: each capability plus the kinds it measures. */
final class CapabilityList {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CapabilityList() {}

  /** The list as the server takes it ({@code PUT /api/v1/agents/{host}/capabilities}). */
  static String json(List<BandwidthHelper> helpers) {
    ArrayNode list = JSON.createArrayNode();
    for (BandwidthHelper h : helpers) {
      HelperCapability c;
      try {
        c = h.detect();
      } catch (RuntimeException e) {
        c = HelperCapability.absent(h.name(), "detection failed: " + e);
      }
      ObjectNode n = JSON.valueToTree(c);
      // the server's bounds: a long reason must not cost the whole list
      n.put("detail", clip(c.detail(), 500));
      n.put("version", clip(c.version(), 100));
      ArrayNode kinds = n.putArray("kinds");
      for (BandwidthKind k : BandwidthKind.values()) {
        if (h.handles(k)) {
          kinds.add(k.json());
        }
      }
      list.add(n);
    }
    return list.toString();
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
