import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether two builds of core print the same: {@code topo --format json} (the full matrix), {@code
 * topo}'s text, the server's {@code /p2p} ({@code CompactMatrix}) and the fleet findings, as the
 * JSON mapper the server and agent use writes them, for every hwloc XML, NCCL XML and lspci text
 * fixture and every sysfs archive. Each build is a benchmark jar ({@code mvn -B -q -f
 * bench/jmh/pom.xml package}, copied aside per commit) in its own class loader. Run: {@code java
 * -Xmx3g bench/paired/SameOutputs.java before.jar after.jar ../shared/fixtures}.
 */
public class SameOutputs {
  static List<String> outputs(String jar, List<Path> files) throws Exception {
    ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    Class<?> imp = cl.loadClass("dev.fabricscope.importer.Importers");
    Class<?> rep = cl.loadClass("dev.fabricscope.topology.Report");
    Class<?> an = cl.loadClass("dev.fabricscope.p2p.P2pAnalyzer");
    Class<?> cm = cl.loadClass("dev.fabricscope.p2p.CompactMatrix");
    Class<?> tt = cl.loadClass("dev.fabricscope.p2p.TopoText");
    Class<?> pm = cl.loadClass("dev.fabricscope.p2p.P2pMatrix");
    Class<?> ff = cl.loadClass("dev.fabricscope.p2p.FleetFindings");
    Class<?> json = cl.loadClass("dev.fabricscope.report.ReportJson");
    Object mapper = json.getMethod("mapper").invoke(null);
    Method write = mapper.getClass().getMethod("writeValueAsString", Object.class);
    List<String> out = new ArrayList<>();
    for (Path f : files) {
      Object r;
      try {
        if (f.toString().contains("/sysfs/")) {
          Class<?> ax = cl.loadClass("dev.fabricscope.sysfs.ArchiveExtractor");
          Object u = ax.getMethod("extract", Path.class).invoke(null, f);
          Object root = u.getClass().getMethod("sysfsRoot").invoke(u);
          Class<?> sd = cl.loadClass("dev.fabricscope.sysfs.SysfsDiscovery");
          r = sd.getMethod("discover", root.getClass()).invoke(sd.getConstructor().newInstance(), root);
          ((AutoCloseable) u).close();
        } else {
          r = imp.getMethod("load", Path.class).invoke(null, f);
        }
      } catch (Exception e) {
        out.add(f + ": refused");
        continue;
      }
      Object a = an.getConstructor(rep).newInstance(r);
      Object m = an.getMethod("matrix").invoke(a);
      out.add(f + " topo json " + write.invoke(mapper, m));
      out.add(f + " topo text " + tt.getMethod("render", pm, rep).invoke(null, m, r));
      out.add(f + " p2p " + write.invoke(mapper, cm.getMethod("of", an).invoke(null, an.getConstructor(rep).newInstance(r))));
      out.add(f + " findings " + write.invoke(mapper, ff.getMethod("forHost", String.class, rep).invoke(null, "h", r)));
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("hwloc-xml", "nccl-xml", "text", "sysfs")) {
      try (var s = Files.list(Path.of(args[2], dir))) {
        s.filter(p -> !dir.equals("sysfs") || p.toString().matches(".*\\.tar(\\.gz|\\.bz2)?$")).sorted().forEach(files::add);
      }
    }
    List<String> a = outputs(args[0], files);
    List<String> b = outputs(args[1], files);
    int same = 0;
    long bytes = 0;
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).equals(b.get(i))) {
        same++;
        bytes += a.get(i).length();
      } else {
        String x = a.get(i), y = b.get(i);
        int k = 0;
        while (k < Math.min(x.length(), y.length()) && x.charAt(k) == y.charAt(k)) k++;
        System.out.println("DIFF " + x.substring(0, Math.min(x.length(), 120)) + " at " + k + ": " + x.substring(Math.max(0, k - 60), Math.min(x.length(), k + 60)) + " | " + y.substring(Math.max(0, k - 60), Math.min(y.length(), k + 60)));
      }
    }
    System.out.println(same + " of " + a.size() + " outputs identical, " + bytes + " chars");
  }
}
