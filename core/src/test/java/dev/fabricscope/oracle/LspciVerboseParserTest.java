package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fabricscope.oracle.LspciVerboseParser.Function;
import dev.fabricscope.oracle.LspciVerboseParser.Link;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lspci -vvv parser on blocks cut from qemu-rig-iommu/lspci-vvv.txt. */
class LspciVerboseParserTest {

  private static final String TEXT =
      String.join(
          "\n",
          "lspci: Unable to load libkmod resources: error -2",
          "00:00.0 Host bridge: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller",
          "\tSubsystem: Red Hat, Inc. QEMU Virtual Machine",
          "\tIOMMU group: 0",
          "",
          "00:10.0 PCI bridge: Red Hat, Inc. QEMU PCIe Root port (prog-if 00 [Normal decode])",
          "\tBus: primary=00, secondary=01, subordinate=06, sec-latency=0",
          "\tCapabilities: [54] Express (v2) Root Port (Slot+), MSI 00",
          "\t\tDevCap:\tMaxPayload 128 bytes, PhantFunc 0",
          "\t\t\tExtTag- RBE+",
          "\t\tDevCtl:\tCorrErr+ NonFatalErr+ FatalErr+ UnsupReq+",
          "\t\t\tRlxdOrd- ExtTag- PhantFunc- AuxPwr- NoSnoop-",
          "\t\t\tMaxPayload 256 bytes, MaxReadReq 512 bytes",
          "\t\tLnkCap:\tPort #0, Speed 16GT/s, Width x32, ASPM L0s, Exit Latency L0s <64ns",
          "\t\tLnkSta:\tSpeed 2.5GT/s, Width x1",
          "\t\t\tTrErr- Train- SlotClk- DLActive- BWMgmt- ABWMgmt-",
          "\t\tSltCtl:\tEnable: AttnBtn- PwrFlt- MRL- PresDet- CmdCplt- HPIrq- LinkChg-",
          "\t\t\tControl: AttnInd Off, PwrInd On, Power- Interlock-",
          "\t\tLnkCap2: Supported Link Speeds: 2.5-16GT/s, Crosslink- Retimer- 2Retimers- DRS-",
          "\tCapabilities: [148 v1] Access Control Services",
          "\t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl-"
              + " DirectTrans+",
          "\t\tACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl-"
              + " DirectTrans-",
          "\tKernel driver in use: pcieport",
          "",
          "02:00.0 PCI bridge: Texas Instruments XIO3130 PCI Express Switch (Downstream) (rev 01)",
          "\tCapabilities: [90] Express (v2) Downstream Port (Slot+), MSI 00",
          "\t\tDevCap:\tMaxPayload 128 bytes, PhantFunc 0",
          "\t\tLnkCap:\tPort #0, Speed unknown, Width x0, ASPM L0s, Exit Latency L0s <64ns",
          "\t\tLnkSta:\tSpeed 2.5GT/s (overdriven), Width x1 (overdriven)",
          "",
          "0001:81:00.0 Non-Volatile memory controller: Red Hat, Inc. QEMU NVM Express Controller",
          "\tCapabilities: [80] Express (v2) Endpoint, MSI 00",
          "");

  @Test
  void parsesEveryBlock() {
    Map<String, Function> f = LspciVerboseParser.parse(TEXT);
    assertEquals(
        List.of("0000:00:00.0", "0000:00:10.0", "0000:02:00.0", "0001:81:00.0"),
        List.copyOf(f.keySet()));
  }

  @Test
  void rootPortRegisters() {
    Function rp = LspciVerboseParser.parse(TEXT).get("0000:00:10.0");
    assertEquals("Root Port", rp.expressType());
    assertEquals(128, rp.devCapMps());
    assertEquals(256, rp.devCtlMps());
    assertEquals(512, rp.devCtlMrrs());
    assertEquals(new Link(16.0, 32), rp.lnkCap());
    assertEquals(new Link(2.5, 1), rp.lnkSta());
    assertEquals(
        Map.of(
            "SrcValid",
            true,
            "TransBlk",
            true,
            "ReqRedir",
            true,
            "CmpltRedir",
            true,
            "UpstreamFwd",
            true,
            "EgressCtrl",
            false,
            "DirectTrans",
            true),
        rp.acsCap());
    assertEquals(false, rp.acsCtl().get("TransBlk"));
    assertEquals(true, rp.acsCtl().get("CmpltRedir"));
    assertEquals(7, rp.acsCtl().size());
  }

  @Test
  void unknownSpeedOverdrivenLinkAndMissingCapabilities() {
    Map<String, Function> f = LspciVerboseParser.parse(TEXT);
    Function dsp = f.get("0000:02:00.0");
    assertEquals("Downstream Port", dsp.expressType());
    assertEquals(new Link(null, 0), dsp.lnkCap());
    assertEquals(new Link(2.5, 1), dsp.lnkSta());
    assertNull(dsp.acsCap());
    assertNull(dsp.devCtlMps());
    Function host = f.get("0000:00:00.0");
    assertNull(host.expressType());
    assertNull(host.lnkCap());
    assertEquals("Endpoint", f.get("0001:81:00.0").expressType());
  }
}
