package dev.fabricscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.openapi.api.SmallRyeOpenAPI;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the scanned API description (registered as {@code mp.openapi.filter}; runs at build
 * time):
 *
 * <ul>
 *   <li>the {@code Report} schema is the report's own JSON Schema ({@code report-schema-v1.json},
 *       the one the server validates with), so the description cannot drift from what is checked;
 *       OpenAPI 3.1 schemas are JSON Schema 2020-12, so it goes in as it is;
 *   <li>every operation with a security requirement gets the 401 and 403 problem responses: {@link
 *       dev.fabricscope.security.Access} answers them on every call (no token; a role that may
 *       not), so writing them on each operation would only repeat this rule.
 * </ul>
 */
public class ApiDescriptionFilter implements OASFilter {

  static final String REPORT_SCHEMA = "/dev/fabricscope/report/report-schema-v1.json";

  @Override
  public void filterOpenAPI(OpenAPI api) {
    api.getComponents().addSchema("Report", reportSchema());
    api.getPaths()
        .getPathItems()
        .values()
        .forEach(
            item -> item.getOperations().values().forEach(ApiDescriptionFilter::authResponses));
  }

  private static void authResponses(Operation op) {
    if (op.getSecurity() == null || op.getSecurity().isEmpty()) {
      return;
    }
    APIResponses responses = op.getResponses();
    if (!responses.hasAPIResponse("401")) {
      responses.addAPIResponse(
          "401", OASFactory.createAPIResponse().ref("#/components/responses/Unauthorized"));
    }
    if (!responses.hasAPIResponse("403")) {
      responses.addAPIResponse(
          "403", OASFactory.createAPIResponse().ref("#/components/responses/Forbidden"));
    }
  }

  /**
   * The report JSON Schema as an OpenAPI schema, read by smallrye's own reader (a document holding
   * only that component) so every 2020-12 keyword survives as written.
   */
  static Schema reportSchema() {
    byte[] doc = reportDocument();
    OpenAPI parsed =
        SmallRyeOpenAPI.builder()
            .withConfig(ConfigProvider.getConfig())
            .enableModelReader(false)
            .enableStandardStaticFiles(false)
            .enableAnnotationScan(false)
            .enableStandardFilter(false)
            .withCustomStaticFile(() -> new ByteArrayInputStream(doc))
            .build()
            .model();
    return parsed.getComponents().getSchemas().get("Report");
  }

  /** An OpenAPI document whose one component is the report schema, less $id and $schema. */
  static byte[] reportDocument() {
    try (InputStream in = ApiDescriptionFilter.class.getResourceAsStream(REPORT_SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(REPORT_SCHEMA + " is not on the class path");
      }
      ObjectMapper json = new ObjectMapper();
      ObjectNode schema = (ObjectNode) json.readTree(in);
      // $id would make it a resource of its own (another base URI); $schema is the document's
      schema.remove("$id");
      schema.remove("$schema");
      ObjectNode doc = json.createObjectNode().put("openapi", "3.1.0");
      doc.putObject("info").put("title", "report").put("version", "1");
      doc.putObject("components").putObject("schemas").set("Report", schema);
      return json.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
