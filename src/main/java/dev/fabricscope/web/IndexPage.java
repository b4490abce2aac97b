package dev.fabricscope.web;

import dev.fabricscope.demo.DemoReports;
import dev.fabricscope.demo.DemoSummary;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The start page: a table of the bundled demo hosts, each linking to its report JSON. */
@Path("/")
public class IndexPage {

  /** Type-checked templates under {@code templates/IndexPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance index(List<DemoSummary> reports, List<Failure> failures);
  }

  /**
   * A demo archive that did not load.
   *
   * @param name demo name
   * @param reason why, as logged
   */
  public record Failure(String name, String reason) {}

  @Inject DemoReports demoReports;

  /** The demo report table. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance index() {
    List<Failure> failures =
        demoReports.failures().entrySet().stream()
            .map(e -> new Failure(e.getKey(), e.getValue()))
            .toList();
    return Templates.index(demoReports.summaries(), failures);
  }
}
