package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * At most {@link FleetFindings#MAX_PER_RULE} findings of a rule per host, the rest counted in one
 * (fourteenth security review: 19,800 {@code DOWNTRAINED_LINK} findings from one valid report, kept
 * per host, ran the server out of heap once 78 such hosts were imported).
 */
class FindingsPerRuleCapTest {

  /** {@code n} NVMe drives, each on a root port of its own, trained x2 of x4. */
  static Report downtrained(int n) {
    FabricDsl b = FabricDsl.host().hostBridge("pci0000:00", "0x8086", "0x2020", 0);
    for (int i = 0; i < n; i++) {
      String rp = String.format("0000:%02x:%02x.0", i / 32, (i % 32));
      String dev = String.format("%04x:01:00.0", i + 1);
      b.rootPort(rp, "pci0000:00", 0).nvme(dev, rp).link(dev, 8.0, 2, 8.0, 4);
    }
    return b.build();
  }

  @Test
  void aHostOfManyDowntrainedLinksKeepsAtMost128Findings() {
    for (int n : List.of(1, 127, 128, 129, 500, 2000)) {
      List<Finding> down =
          FleetFindings.forHost("big", downtrained(n)).stream()
              .filter(f -> f.rule().equals(FleetFindings.DOWNTRAINED_LINK))
              .toList();
      assertEquals(Math.min(n, FleetFindings.MAX_PER_RULE), down.size(), "n=" + n);
      if (n <= FleetFindings.MAX_PER_RULE) {
        down.forEach(f -> assertEquals(1, f.devices().size()));
        continue;
      }
      Finding rest = down.get(down.size() - 1);
      int others = n - (FleetFindings.MAX_PER_RULE - 1);
      assertEquals(Severity.WARNING, rest.severity());
      assertEquals(others, rest.count());
      assertEquals(n, down.stream().mapToInt(Finding::count).sum());
      assertEquals(Math.min(others, FleetFindings.MAX_DEVICES_LISTED), rest.devices().size());
      assertTrue(rest.message().startsWith(others + " more DOWNTRAINED_LINK"), rest.message());
      assertTrue(rest.message().contains("on " + others + " device(s)"), rest.message());
      assertTrue(rest.message().contains("trained x2 of x4"), rest.message());
    }
  }

  /** Generated lists of findings: each rule kept whole up to the cap, else counted, none lost. */
  @Test
  void generatedFindingsAreCappedPerRuleAndCounted() {
    Random random = new Random(14);
    Pattern more = Pattern.compile("^(\\d+) more (\\w+) finding");
    for (int run = 0; run < 200; run++) {
      List<Finding> in = new ArrayList<>();
      Map<String, Integer> perRule = new HashMap<>();
      int rules = 1 + random.nextInt(4);
      int size = random.nextInt(run % 10 == 0 ? 3000 : 300);
      for (int i = 0; i < size; i++) {
        String rule = "RULE_" + random.nextInt(rules);
        Severity s = Severity.values()[random.nextInt(3)];
        in.add(new Finding(rule, s, "h", List.of("dev" + i), "finding " + i, null));
        perRule.merge(rule, 1, Integer::sum);
      }
      List<Finding> out = FindingBounds.capped("h", in);
      Map<String, Integer> counted = new HashMap<>();
      for (Finding f : out) {
        Matcher m = more.matcher(f.message());
        assertEquals(m.find() ? Integer.parseInt(m.group(1)) : 1, f.count(), f.message());
        counted.merge(f.rule(), f.count(), Integer::sum);
      }
      assertEquals(perRule, counted, "run " + run);
      for (var e : perRule.entrySet()) {
        long kept = out.stream().filter(f -> f.rule().equals(e.getKey())).count();
        assertEquals(Math.min(e.getValue(), FleetFindings.MAX_PER_RULE), kept, "run " + run);
      }
      if (perRule.values().stream().allMatch(n -> n <= FleetFindings.MAX_PER_RULE)) {
        assertEquals(in, out, "nothing capped: unchanged");
      }
    }
  }
}
