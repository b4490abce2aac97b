package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.fabric.IbNetDiscover.Refused;
import dev.fabricscope.oracle.FabricArchives;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code ibnetdiscover -p} input, one case per test: the only failure is {@link Refused},
 * with the reason, and every case ends within seconds. The real lines are from PlaFRIM's discovery
 * ({@code fixtures/fabric/plafrim.txz}, line 271 and 272); counts and the lowest switch GUID were
 * read off the files with grep, awk and sort.
 */
class IbNetDiscoverHostileInputTest {

  static final String CA =
      "CA   139  1 0x0002c903004e26b1 4x QDR - SW   142 36 0x0008f10500108c9e"
          + " ( 'manumanu HCA-1' - 'Voltaire 4036 # 4036-8C9E' )";
  static final String CA2 =
      "CA    44  1 0x78e7d10300215995 4x QDR - SW   142 32 0x0008f10500108c9e"
          + " ( 'mirage006 HCA-1' - 'Voltaire 4036 # 4036-8C9E' )";

  @TempDir Path tmp;

  static Refused refused(String text) {
    return assertThrows(Refused.class, () -> IbNetDiscover.Discovery.parse("t", text));
  }

  @Test
  void theRealFilesParseWithTheirCounts() throws Exception {
    String file = "ib-raw/ib-subnet-fe80:0000:0000:0000.txt";
    Path p = FabricArchives.extract("plafrim", Files.createDirectories(tmp.resolve("p")));
    Path a = FabricArchives.extract("avakas", Files.createDirectories(tmp.resolve("a")));
    var plafrim =
        IbNetDiscover.Discovery.parse(
            "p", IbNetDiscoverText.decode(Files.readAllBytes(p.resolve(file))));
    assertEquals("0002:c902:0040:b0e0", plafrim.key());
    assertEquals(9, plafrim.switchGuids().size());
    assertEquals(125, plafrim.links().size());
    var avakas =
        IbNetDiscover.Discovery.parse(
            "a", IbNetDiscoverText.decode(Files.readAllBytes(a.resolve(file))));
    assertEquals("0006:6a00:eb00:2c12", avakas.key());
    assertEquals(25, avakas.switchGuids().size());
    assertEquals(281, avakas.links().size());
  }

  @Test
  void descriptionsAreSplitAtTheLastSeparator() {
    IbNetDiscover.CaLink l = IbNetDiscover.parse(CA).get(0);
    assertEquals("manumanu HCA-1", l.caDescription());
    assertEquals("Voltaire 4036 # 4036-8C9E", l.switchDescription());
    assertEquals(142, l.switchLid());
    assertEquals(36, l.switchPort());
  }

  @Test
  void truncatedLinesAreNotRead() {
    for (int cut = 1; cut < CA.length() - 1; cut++) {
      String head = CA.substring(0, cut);
      assertEquals(List.of(), IbNetDiscover.parse(head), head);
      assertEquals(Refused.Kind.NOT_IBNETDISCOVER, refused(head).kind(), head);
    }
    // a truncated last line does not spoil the lines before it
    var d = IbNetDiscover.Discovery.parse("t", CA2 + "\n" + CA.substring(0, 60));
    assertEquals(1, d.links().size());
  }

  @Test
  void hugeLinesAreRefusedWithTheLineNumber() {
    String text = CA + "\n" + "x".repeat(1_000_000) + "\n" + CA2;
    Refused r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(text));
    assertEquals(Refused.Kind.NOT_IBNETDISCOVER, r.kind());
    assertTrue(r.getMessage().contains("line 2 is 1000000 characters"), r.getMessage());
    assertEquals(2, IbNetDiscover.parse(text).size());
  }

  @Test
  void linesBuiltToBacktrackStayLinear() {
    // many "' - '" separators in the descriptions: a pattern with two greedy groups backtracks
    String line = CA.substring(0, CA.indexOf('(')) + "( '" + "' - '".repeat(800) + "a' - 'b' )";
    String text = (line + "\n").repeat(3000);
    var d =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> IbNetDiscover.Discovery.parse("t", text));
    assertEquals("b", d.links().values().iterator().next().switchDescription());
  }

  @Test
  void badGuidsAreNotRead() {
    for (String guid :
        List.of(
            "0x0002c903004e26b", "0x0002c903004e26b1f", "0x0002c903004e26g1", "0002c903004e26b1")) {
      String line = CA.replace("0x0002c903004e26b1", guid);
      assertEquals(List.of(), IbNetDiscover.parse(line), line);
    }
    String badSwitch = CA.replace("0x0008f10500108c9e", "0x0008f1050010zz9e");
    assertEquals(Refused.Kind.NOT_IBNETDISCOVER, refused(badSwitch).kind());
  }

  @Test
  void numbersTooLongToBeLidsAreNotRead() {
    assertEquals(List.of(), IbNetDiscover.parse(CA.replace("CA   139", "CA   99999999999")));
    assertEquals(List.of(), IbNetDiscover.parse(CA.replace(" 36 0x", " 2147483648 0x")));
  }

  @Test
  void nulBytesAreBinary() {
    byte[] b = (CA + "\n\0\n" + CA2).getBytes(StandardCharsets.UTF_8);
    Refused r = assertThrows(Refused.class, () -> IbNetDiscoverText.decode(b));
    assertEquals(Refused.Kind.NOT_TEXT, r.kind());
    assertTrue(r.getMessage().contains("NUL byte at offset " + (CA.length() + 1)), r.getMessage());
    Refused s = refused(CA + "\n\u0001" + CA2);
    assertEquals(Refused.Kind.NOT_TEXT, s.kind());
    assertTrue(s.getMessage().contains("U+0001 on line 2"), s.getMessage());
  }

  @Test
  void nonUtf8IsRefused() {
    byte[] latin1 = CA.replace("manumanu", "manumanú").getBytes(StandardCharsets.ISO_8859_1);
    Refused r = assertThrows(Refused.class, () -> IbNetDiscoverText.decode(latin1));
    assertEquals(Refused.Kind.NOT_TEXT, r.kind());
    assertTrue(r.getMessage().startsWith("not UTF-8"), r.getMessage());
    byte[] utf8 = CA.replace("manumanu", "manumanú").getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "manumanú HCA-1",
        IbNetDiscover.Discovery.parse("t", IbNetDiscoverText.decode(utf8))
            .links()
            .get("0002:c903:004e:26b1")
            .caDescription());
  }

  @Test
  void aHundredThousandLinesParseInBoundedTime() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      sb.append(
          String.format(
              "CA %5d  1 0x%016x 4x EDR - SW %5d %2d 0x%016x ( 'node%d HCA-1' - 'sw%d' )%n",
              1 + i % 40000,
              0x0002c90300000000L + i,
              1 + i % 50,
              1 + i % 36,
              0x7cfe90ff00000000L + i % 50,
              i,
              i % 50));
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length < IbNetDiscoverText.MAX_CHARS, "bytes " + bytes.length);
    var d =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> IbNetDiscover.Discovery.parse("big", IbNetDiscoverText.decode(bytes)));
    assertEquals(100_000, d.links().size());
    assertEquals(50, d.switchGuids().size());
    assertEquals("7cfe:90ff:0000:0000", d.key());
  }

  @Test
  void tooLargeIsItsOwnRefusal() {
    byte[] b = new byte[IbNetDiscoverText.MAX_CHARS + 1];
    java.util.Arrays.fill(b, (byte) '\n');
    assertEquals(
        Refused.Kind.TOO_LARGE,
        assertThrows(Refused.class, () -> IbNetDiscoverText.decode(b)).kind());
  }

  @Test
  void duplicateGuids() {
    // the same line twice (a file pasted twice) is the same link
    assertEquals(1, IbNetDiscover.Discovery.parse("t", CA + "\n" + CA).links().size());
    // the same CA port cabled to two switch ports is not one run
    Refused r = refused(CA + "\n" + CA2 + "\n" + CA.replace(" 36 0x", " 35 0x"));
    assertEquals(Refused.Kind.NOT_IBNETDISCOVER, r.kind());
    assertTrue(
        r.getMessage().contains("0002:c903:004e:26b1 is listed on lines 1 and 3"), r.getMessage());
  }

  @Test
  void textWithoutASwitchIsRefused() {
    for (String t :
        List.of("", "\n\n", "hello world", "{\"json\": true}", "Switch 36 \"S-0002\"")) {
      Refused r = refused(t);
      assertEquals(Refused.Kind.NOT_IBNETDISCOVER, r.kind());
      assertTrue(r.getMessage().startsWith("no switch found"), r.getMessage());
    }
  }
}
