package dev.fabricscope.report;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import java.io.IOException;

/**
 * Reads a PCI function's link, ACS and config-space facts for {@link ReportReader}: the objects
 * {@link ReportWriter} writes with {@code link}, {@code acs} and {@code config}.
 */
final class LinkReader {

  private LinkReader() {}

  static PciLink link(JsonIn in) throws IOException {
    PciLink.LinkState current = null;
    PciLink.LinkState max = null;
    PciLink.LinkState capability = null;
    PciLink.LinkState status = null;
    PciLink.Upstream upstream = null;
    Double reportedGBps = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "current" -> current = in.object(LinkReader::linkState);
        case "max" -> max = in.object(LinkReader::linkState);
        case "capability" -> capability = in.object(LinkReader::linkState);
        case "status" -> status = in.object(LinkReader::linkState);
        case "upstream" -> upstream = in.object(LinkReader::upstream);
        case "reportedGBps" -> reportedGBps = in.decimal();
        default -> throw in.unknown(f);
      }
    }
    return new PciLink(current, max, capability, status, upstream, reportedGBps);
  }

  private static PciLink.Upstream upstream(JsonIn in) throws IOException {
    String bdf = null;
    PciLink.LinkState current = null;
    PciLink.LinkState max = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "bdf" -> bdf = in.text();
        case "current" -> current = in.object(LinkReader::linkState);
        case "max" -> max = in.object(LinkReader::linkState);
        default -> throw in.unknown(f);
      }
    }
    return new PciLink.Upstream(bdf, current, max);
  }

  private static PciLink.LinkState linkState(JsonIn in) throws IOException {
    Double speedGTs = null;
    Integer width = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "speedGTs" -> speedGTs = in.decimal();
        case "width" -> width = in.integer();
        default -> throw in.unknown(f);
      }
    }
    return new PciLink.LinkState(speedGTs, width);
  }

  static Acs acs(JsonIn in) throws IOException {
    String state = null;
    Acs.Bits capability = null;
    Acs.Bits control = null;
    Integer egressVectorSize = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "state" -> state = in.text();
        case "capability" -> capability = in.object(LinkReader::acsBits);
        case "control" -> control = in.object(LinkReader::acsBits);
        case "egressVectorSize" -> egressVectorSize = in.integer();
        default -> throw in.unknown(f);
      }
    }
    return new Acs(state, capability, control, egressVectorSize);
  }

  private static Acs.Bits acsBits(JsonIn in) throws IOException {
    boolean[] b = new boolean[7];
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "srcValid" -> b[0] = in.flag();
        case "transBlk" -> b[1] = in.flag();
        case "reqRedir" -> b[2] = in.flag();
        case "cmpltRedir" -> b[3] = in.flag();
        case "upstreamFwd" -> b[4] = in.flag();
        case "egressCtrl" -> b[5] = in.flag();
        case "directTrans" -> b[6] = in.flag();
        default -> throw in.unknown(f);
      }
    }
    return new Acs.Bits(b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
  }

  static PciFunction.ConfigInfo config(JsonIn in) throws IOException {
    Integer bytesReadable = null;
    Boolean pcieCapability = null;
    Integer mpsBytes = null;
    Integer mpsSupportedBytes = null;
    Integer mrrsBytes = null;
    PciFunction.Ats ats = null;
    Integer secondaryBus = null;
    Integer subordinateBus = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "bytesReadable" -> bytesReadable = in.integer();
        case "pcieCapability" -> pcieCapability = in.bool();
        case "mpsBytes" -> mpsBytes = in.integer();
        case "mpsSupportedBytes" -> mpsSupportedBytes = in.integer();
        case "mrrsBytes" -> mrrsBytes = in.integer();
        case "ats" -> ats = in.object(LinkReader::ats);
        case "secondaryBus" -> secondaryBus = in.integer();
        case "subordinateBus" -> subordinateBus = in.integer();
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction.ConfigInfo(
        bytesReadable,
        pcieCapability,
        mpsBytes,
        mpsSupportedBytes,
        mrrsBytes,
        ats,
        secondaryBus,
        subordinateBus);
  }

  private static PciFunction.Ats ats(JsonIn in) throws IOException {
    boolean enabled = false;
    int stu = 0;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "enabled" -> enabled = in.flag();
        case "stu" -> stu = in.intValue();
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction.Ats(enabled, stu);
  }
}
