package dev.fabricscope.agent.nvml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data files for the NVML test double ({@code src/test/c/fake_nvml.c}), written from real hosts:
 * the H200's NVML dump (every answer, errors included, as NVML gave them) and two GPUs of the DGX-2
 * as hwloc saw them (their NVLinks to the NVSwitches).
 */
final class NvmlDoubleData {

  /** nvmlReturn_t for "Not Supported" and "Invalid Argument", as the dump names them. */
  private static final Map<String, Integer> ERRORS =
      Map.of("Not Supported", 3, "Invalid Argument", 2);

  private NvmlDoubleData() {}

  /** The H200 dump. */
  static JsonNode h200() throws IOException {
    return new ObjectMapper()
        .readTree(Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvml.json").toFile());
  }

  /** The double's data for the H200 host, from its NVML dump. */
  static Path writeH200(Path file) throws IOException {
    JsonNode d = h200();
    Map<String, String> kv = new LinkedHashMap<>();
    kv.put("driver", d.get("driver").asText());
    kv.put("nvml", d.get("nvml").asText());
    kv.put("cuda", d.get("cudaDriver").asText());
    kv.put("count", Integer.toString(d.get("devices").size()));
    for (JsonNode g : d.get("devices")) {
      String i = g.get("index").asText() + ".";
      kv.put(i + "name", g.get("name").asText());
      kv.put(i + "uuid", g.get("uuid").asText());
      kv.put(i + "serial", g.get("serial").asText());
      kv.put(i + "boardId", answer(g.get("boardId")));
      JsonNode pci = g.get("pci");
      for (String f : List.of("busIdLegacy", "busId", "domain", "bus", "device", "pciDeviceId")) {
        kv.put(i + f, answer(pci.get(f)));
      }
      kv.put(i + "pciSubSystemId", answer(pci.get("pciSubSystemId")));
      kv.put(i + "ccMajor", g.get("computeCap").get(0).asText());
      kv.put(i + "ccMinor", g.get("computeCap").get(1).asText());
      // pynvml's memory_info is in bytes (the dump's key says MiB, its values are bytes)
      kv.put(i + "memTotal", g.get("memoryMiB").get("total").asText());
      kv.put(i + "memFree", g.get("memoryMiB").get("free").asText());
      kv.put(i + "memUsed", g.get("memoryMiB").get("used").asText());
      kv.put(i + "currLinkGen", answer(g.get("currLinkGen")));
      kv.put(i + "maxLinkGen", answer(g.get("maxLinkGen")));
      kv.put(i + "gpuMaxLinkGen", answer(g.get("gpuMaxLinkGen")));
      kv.put(i + "currLinkWidth", answer(g.get("currLinkWidth")));
      kv.put(i + "maxLinkWidth", answer(g.get("maxLinkWidth")));
      kv.put(i + "replay", answer(g.get("replayCounter")));
      kv.put(i + "numa", answer(g.get("numaNode")));
      kv.put(i + "virt", answer(g.get("virtMode")));
      kv.put(i + "migCurrent", g.get("migMode").get(0).asText());
      kv.put(i + "migPending", g.get("migMode").get(1).asText());
      for (JsonNode l : g.get("nvlinks")) {
        String p = i + "nvlink." + l.get("link").asText() + ".";
        kv.put(p + "state", answer(l.get("state")));
        if (l.has("version")) {
          kv.put(p + "version", answer(l.get("version")));
        }
      }
    }
    return write(file, kv);
  }

  /**
   * Two DGX-2 GPUs (0000:34:00.0 and 0000:36:00.0, V100, NVLink 2) with the NVLinks hwloc's
   * NVLinkBandwidth gives them, each link to an NVSwitch; P2P allowed over NVLink, as the NVSwitch
   * fabric allows it between every GPU pair.
   */
  static Path writeDgx2Pair(Path file) throws Exception {
    Report r = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    List<String> gpus = List.of("0000:34:00.0", "0000:36:00.0");
    Map<String, String> kv = new LinkedHashMap<>();
    kv.put("driver", "418.40.04");
    kv.put("count", "2");
    for (int i = 0; i < gpus.size(); i++) {
      String bdf = gpus.get(i);
      String p = i + ".";
      kv.put(p + "name", "Tesla V100-SXM3-32GB-H");
      kv.put(p + "busId", "0000" + bdf);
      String[] parts = bdf.split("[:.]");
      kv.put(p + "domain", "0");
      kv.put(p + "bus", Integer.toString(Integer.parseInt(parts[1], 16)));
      kv.put(p + "device", Integer.toString(Integer.parseInt(parts[2], 16)));
      kv.put(p + "ccMajor", "7");
      kv.put(p + "ccMinor", "0");
      int link = 0;
      for (NvLink l : linksOf(r, bdf)) {
        for (int k = 0; k < l.count(); k++, link++) {
          String q = p + "nvlink." + link + ".";
          kv.put(q + "state", "1");
          kv.put(q + "version", "2");
          kv.put(q + "remoteType", "2");
          String peer = l.a().equals(bdf) ? l.b() : l.a();
          String[] pp = peer.split("[:.]");
          kv.put(q + "remote.busId", "0000" + peer);
          kv.put(q + "remote.bus", Integer.toString(Integer.parseInt(pp[1], 16)));
          kv.put(q + "remote.device", Integer.toString(Integer.parseInt(pp[2], 16)));
        }
      }
      int j = 1 - i;
      for (int caps = 0; caps < 4; caps++) {
        kv.put(p + "p2p." + j + "." + caps, "0");
      }
      kv.put(p + "ancestor." + j, "10");
    }
    return write(file, kv);
  }

  /** The NVLink bonds of one GPU in a report. */
  static List<NvLink> linksOf(Report r, String bdf) {
    List<NvLink> out = new ArrayList<>();
    for (NvLink l : r.nvlinks()) {
      if (l.a().equals(bdf) || l.b().equals(bdf)) {
        out.add(l);
      }
    }
    return out;
  }

  /** A value, or the double's "!N" for an error the dump recorded. */
  private static String answer(JsonNode v) {
    if (v == null || v.isNull()) {
      return "!3";
    }
    if (v.isObject() && v.has("error")) {
      Integer rc = ERRORS.get(v.get("error").asText());
      return "!" + (rc == null ? 999 : rc);
    }
    return v.asText();
  }

  private static Path write(Path file, Map<String, String> kv) throws IOException {
    StringBuilder b = new StringBuilder();
    kv.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    Files.writeString(file, b, StandardCharsets.UTF_8);
    return file;
  }
}
