package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.report.ReportValidator;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.SysfsRoot;
import dev.fabricscope.sysfs.TreeGuard;
import dev.fabricscope.sysfs.UnpackTemps;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.w3c.dom.Document;

/**
 * Loads a report from whatever a person hands over, detecting the format: a gathered sysfs folder
 * or archive (sysfs discovery), hwloc XML ({@code <topology}), NCCL topology XML ({@code <system},
 * p2p-rules.md §4.8), report JSON, or text holding an {@code lspci -tv} tree (fixtures README,
 * "text/"). Every failure is an {@link ImportException} whose message names the file.
 */
public final class Importers {

  /** Largest file read: real topology files are well under a megabyte. */
  public static final long MAX_BYTES = 64L << 20;

  private Importers() {}

  /**
   * Detects the format of {@code file} and imports it; the report is held to the checks every
   * report passes ({@link ReportValidator}), whatever its format. Archives are unpacked under
   * {@link ArchiveExtractor#defaultTempBase()}.
   */
  public static Report load(Path file) throws ImportException {
    return load(file, ArchiveExtractor.defaultTempBase());
  }

  /** As {@link #load(Path)}, unpacking archives under {@code tempBase}. */
  public static Report load(Path file, Path tempBase) throws ImportException {
    return load(file, file.toString(), tempBase);
  }

  /**
   * Imports {@code file} under {@code name}: messages and diagnostics say {@code name}, never the
   * path, so that a server staging an upload in a temporary file stores no path of its own.
   */
  public static Report load(Path file, String name) throws ImportException {
    return load(file, name, ArchiveExtractor.defaultTempBase());
  }

  /** As {@link #load(Path, String)}, unpacking archives under {@code tempBase}. */
  public static Report load(Path file, String name, Path tempBase) throws ImportException {
    if (Files.isDirectory(file)) {
      Path checked;
      try {
        // root reads a tree only when no other user could swap its folders for links meanwhile
        // (sixteenth security review, finding 1), and through the path it checked
        checked = TreeGuard.check(file);
      } catch (IOException e) {
        throw new ImportException(name + ": " + e.getMessage(), e);
      }
      try {
        return validated(new SysfsDiscovery().discover(SysfsRoot.of(checked)), name);
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new ImportException(name + ": " + e.getMessage(), e);
      }
    }
    if (!Files.exists(file)) {
      throw new ImportException(name + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      // a pipe (--input <(lspci -vvv), /dev/stdin) or a device: read as a stream, to the limit
      try (InputStream in = Files.newInputStream(file)) {
        return load(in, name, tempBase);
      } catch (IOException e) {
        throw new ImportException(name + ": cannot read: " + e.getMessage(), e);
      }
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ImportException(name + ": cannot read: " + e.getMessage(), e);
    }
    if (ArchiveExtractor.looksLikeArchive(file)) {
      try (ArchiveExtractor.Unpacked u =
          ArchiveExtractor.extract(file, ArchiveExtractor.Limits.DEFAULT, tempBase)) {
        try {
          return validated(new SysfsDiscovery().discover(u.sysfsRoot()), name);
        } catch (SysfsDiscovery.NotSysfsException e) {
          // the message names the unpack folder: a path of the server's, not the user's
          String where = u.sysfsRoot().root().toString();
          throw new ImportException(
              name + ": " + e.getMessage().replace(where, "the archive's top"), e);
        }
      } catch (ArchiveExtractor.ArchiveException e) {
        throw new ImportException(name + ": " + e.getMessage(), e);
      }
    }
    if (size > MAX_BYTES) {
      throw new ImportException(
          name + ": " + size + " bytes is more than the " + MAX_BYTES + "-byte import limit");
    }
    return parse(read(file, name), name);
  }

  /**
   * Imports what a stream holds (standard input, a pipe), read to its end or to {@link #MAX_BYTES}:
   * any format {@link #load(Path, String, Path)} takes but a folder. A gathered archive is staged
   * in a temporary file under {@code tempBase} (owner-only, removed before this returns), since the
   * archive is read twice (its plan, then its files).
   */
  public static Report load(InputStream in, String name, Path tempBase) throws ImportException {
    byte[] content = readCapped(in, name);
    if (!ArchiveExtractor.looksLikeArchive(content)) {
      return parse(content, name);
    }
    Path staged = null;
    try {
      staged = stage(content, tempBase);
      return load(staged, name, tempBase);
    } catch (IOException e) {
      throw new ImportException(name + ": cannot stage the archive: " + e.getMessage(), e);
    } finally {
      if (staged != null) {
        try {
          Files.deleteIfExists(staged);
        } catch (IOException ignored) {
          // left in the temporary folder; nothing else to do
        }
      }
    }
  }

  /**
   * Writes a streamed archive to an owner-only file in {@code tempBase}, named as the leftover
   * sweep knows it ({@code fabricscope-import-PID-RANDOM.bin}, {@link UnpackTemps}): the finally of
   * {@link #load(InputStream, String, Path)} removes it, but a JVM killed outright (SIGKILL, the
   * OOM killer) never runs that, and the earlier name {@code fabricscope-input-*.archive} was swept
   * by nothing, so each such run left up to {@link #MAX_BYTES} in {@code /dev/shm}, which is RAM,
   * for good (sixteenth security review, finding 4).
   */
  static Path stage(byte[] content, Path tempBase) throws IOException {
    Path staged =
        Files.createTempFile(
            tempBase, UnpackTemps.ownPrefix(UnpackTemps.STAGED_PREFIX), UnpackTemps.STAGED_SUFFIX);
    Files.write(staged, content);
    return staged;
  }

  /**
   * Detects the format of in-memory content; {@code name} is used in messages and diagnostics.
   * Report JSON is validated as it is read, the other formats once they are imported.
   */
  public static Report parse(byte[] content, String name) throws ImportException {
    String head = new String(content, 0, Math.min(content.length, 4096), StandardCharsets.UTF_8);
    String start = skipProlog(head);
    if (start.startsWith("{")) {
      return ReportJsonImporter.read(content, name);
    }
    Report imported;
    try {
      imported = importOther(content, start, name);
    } catch (ParseDeadline.ExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      // a file no importer foresaw (HostileXmlTest looks for these): refused as input, not a crash
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new ImportException(
          name + ": cannot be imported (" + e.getClass().getSimpleName() + ": " + why + ")", e);
    }
    return validated(imported, name);
  }

  private static Report validated(Report report, String name) throws ImportException {
    ParseDeadline.check();
    try {
      return ReportValidator.get().check(report);
    } catch (ReportValidator.InvalidReport e) {
      throw new ImportException(name + ": refused: " + e.getMessage(), e);
    }
  }

  /** XML (hwloc or NCCL) or lspci text; {@code start} is the content after its prolog. */
  private static Report importOther(byte[] content, String start, String name)
      throws ImportException {
    if (start.startsWith("<")) {
      Document doc = SafeXml.parse(content, name);
      String root = doc.getDocumentElement().getTagName();
      return switch (root) {
        case "topology" -> HwlocXmlImporter.read(doc, name);
        case "system" -> NcclXmlImporter.read(doc, name);
        case "graphs" ->
            throw new ImportException(
                name
                    + ": an NCCL graph file (NCCL_GRAPH_DUMP_FILE) lists rings and trees over GPU"
                    + " ranks, not the machine; import the topology file (NCCL_TOPO_DUMP_FILE)");
        default ->
            throw new ImportException(
                name + ": XML with root <" + root + "> is neither hwloc nor NCCL topology XML");
      };
    }
    String text = new String(content, StandardCharsets.UTF_8);
    if (start.isEmpty()) {
      throw new ImportException(name + ": the file is empty");
    }
    return LspciTextImporter.read(text, name);
  }

  private static byte[] read(Path file, String name) throws ImportException {
    try (InputStream in = Files.newInputStream(file)) {
      // never read past the limit even if the file grew since it was measured
      return readCapped(in, name);
    } catch (IOException e) {
      throw new ImportException(name + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static byte[] readCapped(InputStream in, String name) throws ImportException {
    try {
      byte[] b = in.readNBytes((int) MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw new ImportException(name + ": more than the " + MAX_BYTES + "-byte import limit");
      }
      return b;
    } catch (IOException e) {
      throw new ImportException(name + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Where a DOCTYPE declaration ends: its internal subset ({@code [<!ENTITY a "b">]}) holds {@code
   * >} of its own, and quoted values may hold {@code ]} or {@code >}. -1 when it does not end.
   */
  static int doctypeEnd(String t) {
    char quote = 0;
    boolean inSubset = false;
    for (int i = 2; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        inSubset = true;
      } else if (c == ']') {
        inSubset = false;
      } else if (c == '>' && !inSubset) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The text after a byte-order mark, white space, XML declaration, comments and DOCTYPE. */
  static String skipProlog(String s) {
    String t = s.startsWith("\uFEFF") ? s.substring(1) : s;
    while (true) {
      t = t.stripLeading();
      int end;
      if (t.startsWith("<?")) {
        end = t.indexOf("?>");
        end = end < 0 ? -1 : end + 2;
      } else if (t.startsWith("<!--")) {
        end = t.indexOf("-->");
        end = end < 0 ? -1 : end + 3;
      } else if (t.startsWith("<!DOCTYPE")) {
        end = doctypeEnd(t);
      } else {
        return t;
      }
      if (end < 0) {
        return "<"; // an unterminated prolog: let the XML parser say what is wrong
      }
      t = t.substring(end);
    }
  }
}
