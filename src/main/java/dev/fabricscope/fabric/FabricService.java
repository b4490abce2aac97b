package dev.fabricscope.fabric;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.FabricDiscoveryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The RDMA fabric ({@link RdmaFabric}) over every host's latest report in the inventory (the ports
 * {@link FabricHostPorts} keeps), with the {@code ibnetdiscover -p} outputs that tell InfiniBand
 * fabrics apart: those an operator keeps in {@code fabricscope.fabric.ibnetdiscover-dir} (one
 * {@code *.txt} per fabric, named by file name) and those uploaded to {@code
 * /api/v1/fabric/discoveries} (named by their upload name).
 */
@ApplicationScoped
public class FabricService {

  private static final Logger LOG = Logger.getLogger(FabricService.class);

  @Inject FabricDiscoveryStore uploads;

  @Inject FabricscopeConfig config;

  /** Parsed uploads by name, kept while the upload's time stays the same (a re-upload replaces). */
  private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

  private record Parsed(Instant uploaded, IbNetDiscover.Discovery discovery) {}

  /**
   * Parsed folder files by name, kept while the file's size and modification time stay the same: a
   * fabric's discovery is tens of megabytes parsed, and {@code /fabric} reads them on every view.
   */
  private final Map<String, FolderFile> folderFiles = new ConcurrentHashMap<>();

  /** A folder file as last read: the discovery is null where the file was left out. */
  private record FolderFile(long bytes, FileTime modified, IbNetDiscover.Discovery discovery) {}

  @Inject FabricHostPorts hostPorts;

  /**
   * The subnets and the ports without a GID, from one read of the hosts.
   *
   * @param leftOut hosts with more than {@link HostRdmaPorts#MAX_PORTS} ports, each with how many
   *     of them are not in the view
   */
  public record View(
      List<RdmaFabric.Subnet> subnets,
      List<RdmaFabric.PortRow> withoutGid,
      Map<String, Integer> leftOut) {}

  /** The hosts whose ports the view leaves out, by name: no subnet built, no discovery parsed. */
  public Map<String, Integer> leftOut() {
    return leftOut(hostPorts.all());
  }

  /** The subnets and the ports that report no GID, listed apart from the subnets. */
  public View view() {
    List<HostRdmaPorts> hosts = hostPorts.all();
    return new View(
        RdmaFabric.subnets(hosts, discoveries()),
        RdmaFabric.portsWithoutGid(hosts),
        leftOut(hosts));
  }

  private static Map<String, Integer> leftOut(List<HostRdmaPorts> hosts) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    hosts.stream().filter(h -> h.leftOut() > 0).forEach(h -> out.put(h.host(), h.leftOut()));
    return out;
  }

  /**
   * The folder's discoveries, then the uploaded ones, each group by name. Where two list the same
   * CA port, the first one wins ({@link RdmaFabric#build}). One caller at a time: views that start
   * together wait for the first, which leaves them nothing to parse (fifteenth security review:
   * after a restart, 4 parallel views each parsed every stored upload and ran the heap out).
   */
  synchronized List<IbNetDiscover.Discovery> discoveries() {
    List<IbNetDiscover.Discovery> out = new ArrayList<>(folder());
    out.addAll(uploaded());
    return out;
  }

  /**
   * Drops the parsed form of an upload deleted or replaced on this server, at once: it had stayed
   * in the heap until the next view (tens of megabytes for a large fabric; the sixteenth security
   * review's re-test saw 217 MB kept after two deletions).
   */
  public synchronized void forget(String name) {
    // with discoveries(): a view parsing meanwhile would put the old form back after the removal
    parsed.remove(name);
  }

  /** Whether the parsed form of the upload {@code name} is held (tests). */
  boolean holdsParsed(String name) {
    return parsed.containsKey(name);
  }

  /** The names of the uploaded discoveries (the page links them). */
  public List<String> uploadedNames() {
    return uploads.list().stream().map(FabricDiscoveryStore.Entry::name).toList();
  }

  private List<IbNetDiscover.Discovery> uploaded() {
    List<FabricDiscoveryStore.Entry> entries = uploads.list();
    parsed.keySet().retainAll(entries.stream().map(FabricDiscoveryStore.Entry::name).toList());
    List<IbNetDiscover.Discovery> out = new ArrayList<>();
    for (FabricDiscoveryStore.Entry e : entries) {
      Parsed p = parsed.get(e.name());
      if (p == null || !p.uploaded().equals(e.uploaded())) {
        FabricDiscoveryStore.Stored s = uploads.get(e.name()).orElse(null);
        if (s == null) {
          continue; // deleted since the list was read
        }
        // checked at upload: a refusal here means the parser changed since
        IbNetDiscover.Discovery d = IbNetDiscover.Discovery.of(e.name(), s.text());
        if (d == null) {
          LOG.warnf("uploaded discovery %s no longer parses: left out", e.name());
          continue;
        }
        p = new Parsed(s.entry().uploaded(), d);
        parsed.put(e.name(), p);
      }
      out.add(p.discovery());
    }
    return out;
  }

  /** The discoveries in the configured folder, by file name; none when it is not configured. */
  private List<IbNetDiscover.Discovery> folder() {
    Path dir = config.fabric().ibnetdiscoverDir().orElse(null);
    if (dir == null || !Files.isDirectory(dir)) {
      folderFiles.clear();
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
    folderFiles.keySet().retainAll(files.stream().map(f -> f.getFileName().toString()).toList());
    List<IbNetDiscover.Discovery> out = new ArrayList<>();
    for (Path f : files) {
      IbNetDiscover.Discovery d = folderFile(f);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  /** One folder file, parsed again only when its size or time changed; null when left out. */
  private IbNetDiscover.Discovery folderFile(Path f) {
    String name = f.getFileName().toString();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(f, BasicFileAttributes.class);
    } catch (IOException e) {
      LOG.warnf("%s left out: %s", f, e.toString());
      folderFiles.remove(name);
      return null;
    }
    FolderFile known = folderFiles.get(name);
    if (known != null
        && known.bytes() == attrs.size()
        && known.modified().equals(attrs.lastModifiedTime())) {
      return known.discovery();
    }
    IbNetDiscover.Discovery d = null;
    if (!attrs.isRegularFile()) {
      LOG.warnf("%s left out: not a regular file", f);
    } else if (attrs.size() > IbNetDiscoverText.MAX_CHARS) {
      // not read at all: a huge file would be held whole before the text check refused it
      LOG.warnf(
          "%s left out: %d bytes, over the %d an ibnetdiscover output may have",
          f, attrs.size(), IbNetDiscoverText.MAX_CHARS);
    } else {
      try {
        byte[] bytes = Files.readAllBytes(f);
        BasicFileAttributes after = Files.readAttributes(f, BasicFileAttributes.class);
        if (after.size() != attrs.size()
            || !after.lastModifiedTime().equals(attrs.lastModifiedTime())
            || bytes.length != attrs.size()) {
          // written while read: left out of this view and not kept; the next view reads it again
          LOG.warnf("%s left out of this view: it changed while it was read", f);
          folderFiles.remove(name);
          return null;
        }
        d = IbNetDiscover.Discovery.parse(name, IbNetDiscoverText.decode(bytes));
      } catch (IbNetDiscover.Refused e) {
        LOG.warnf("%s left out: %s", f, e.getMessage());
      } catch (IOException e) {
        LOG.warnf("%s left out: %s", f, e.toString());
        folderFiles.remove(name);
        return null; // not kept: the next view reads it again
      }
    }
    folderFiles.put(name, new FolderFile(attrs.size(), attrs.lastModifiedTime(), d));
    return d;
  }
}
