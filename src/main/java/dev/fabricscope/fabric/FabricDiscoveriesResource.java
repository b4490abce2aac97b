package dev.fabricscope.fabric;

import dev.fabricscope.api.ImportSlots;
import dev.fabricscope.api.WholeReports;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.FabricDiscoveryStore;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Uploaded {@code ibnetdiscover -p} outputs (issue 14): each tells the fabric page which InfiniBand
 * ports sit on one fabric. Operators upload and delete; everyone who may read lists and reads them.
 * A text is decoded and parsed in full before anything is stored, so a refused upload leaves
 * nothing behind.
 */
@Path("/api/v1/fabric/discoveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fabric")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class FabricDiscoveriesResource {

  /**
   * The least role that may upload a discovery: the resource's rule, which the request-body gate
   * also applies before a large body is read.
   */
  public static final Role WRITER = Role.OPERATOR;

  /** Upload names: what a file name may be, without folders. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final String NAME_RULE =
      "1 to 64 characters: letters, digits, '.', '_' and '-', starting with a letter or digit";

  @Inject Access access;
  @Inject FabricDiscoveryStore store;

  @Inject WholeReports whole;
  @Inject ImportSlots importSlots;
  @Inject FabricService fabric;
  @Inject FabricscopeConfig config;

  /**
   * One uploaded discovery, without its text.
   *
   * @param name the name it was uploaded under
   * @param bytes the text's size in bytes
   * @param fabricKey the fabric's lowest switch node GUID: the key the fabric page shows
   * @param switches switches listed
   * @param caPorts CA ports listed cabled to a switch
   * @param uploaded when it was stored
   * @param uploadedBy the token name that stored it
   * @param href where its text is
   */
  @Schema(name = "FabricDiscovery")
  public record Uploaded(
      String name,
      int bytes,
      String fabricKey,
      int switches,
      int caPorts,
      Instant uploaded,
      String uploadedBy,
      String href) {
    static Uploaded of(FabricDiscoveryStore.Entry e) {
      return new Uploaded(
          e.name(),
          e.bytes(),
          e.fabricKey(),
          e.switches(),
          e.caPorts(),
          e.uploaded(),
          e.uploadedBy(),
          "/api/v1/fabric/discoveries/" + e.name());
    }
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "uploadFabricDiscovery",
      summary = "Store an ibnetdiscover -p output under a name (operator); replaces that name",
      description =
          "The body is the text `ibnetdiscover -p` printed (UTF-8, at most 16 MiB). It is refused"
              + " whole (400) when it is binary, not UTF-8, has a line over 4096 characters, lists"
              + " no switch, or lists one CA port cabled to two switch ports; 413 when too large; 422 when reading it"
              + " takes longer than fabricscope.imports.parse-timeout; 409 when the kept"
              + " discoveries have no room for it (checked before it is read). It is read holding"
              + " every import slot (one such parse at a time, beside no other import; 503 when"
              + " they do not all come free within fabricscope.imports.wait). 201 for a new name, 200 when it replaced an upload of the same name.")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.TEXT_PLAIN,
              schema = @Schema(type = SchemaType.STRING, description = "ibnetdiscover -p output")))
  @APIResponse(
      responseCode = "201",
      description = "Stored under a new name",
      content = @Content(schema = @Schema(implementation = Uploaded.class)))
  @APIResponse(
      responseCode = "200",
      description = "Replaced the upload of that name",
      content = @Content(schema = @Schema(implementation = Uploaded.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "409", ref = "Conflict")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(
      responseCode = "503",
      ref = "ServiceUnavailable",
      description = "Every import slot busy (fabricscope.imports.concurrent; Retry-After)")
  public Response upload(
      @Parameter(
              required = true,
              description = "the discovery's name, e.g. the cluster's",
              schema =
                  @Schema(type = SchemaType.STRING, pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))
          @QueryParam("name")
          String name,
      byte[] body,
      @Context HttpServerRequest request) {
    Caller caller = access.require(request, WRITER);
    String n = name(name);
    if (body == null || body.length == 0) {
      throw ApiException.badRequest("the body is empty: send the text ibnetdiscover -p printed");
    }
    // room first, then the parse and the store holding every import slot: a 16 MiB text is about
    // 100 MB of heap while it is parsed and kept (its text, parsed form and gzip); four at once
    // (two operators) ran a 512 MiB heap out (sixteenth security review), two at once in the
    // slots still peaked at 504 MB, so these parses run one at a time, beside no other import
    requireRoom(n, body.length);
    FabricDiscoveryStore.Entry entry;
    boolean created;
    try (var slot = importSlots.takeAll()) {
      String text = IbNetDiscoverText.decode(body);
      // under the imports' deadline too: the parse is linear, but a slow spell must not hold
      // the request thread without bound
      IbNetDiscover.Discovery d =
          ParseDeadline.within(
              config.imports().parseTimeout(), () -> IbNetDiscover.Discovery.parse(n, text));
      entry =
          new FabricDiscoveryStore.Entry(
              n,
              body.length,
              d.key(),
              d.switchGuids().size(),
              d.links().size(),
              Instant.now(),
              caller.name());
      created = put(entry, text);
    } catch (ParseDeadline.ExceededException e) {
      throw ApiException.unprocessable(
          "reading the discovery took longer than the "
              + ParseDeadline.describe(e.limit())
              + " the server allows (fabricscope.imports.parse-timeout); nothing was stored");
    } catch (IbNetDiscover.Refused e) {
      if (e.kind() == IbNetDiscover.Refused.Kind.TOO_LARGE) {
        throw new ApiException(413, "Discovery too large", e.getMessage());
      }
      throw new ApiException(400, "Not an ibnetdiscover -p output", e.getMessage());
    }
    fabric.forget(n); // the old text's parsed form, if it replaced one
    // the stored row (not its text), so the answer shows the time as the database keeps it
    FabricDiscoveryStore.Entry stored =
        store.list().stream().filter(e -> e.name().equals(n)).findFirst().orElse(entry);
    return (created
            ? Response.created(URI.create("/api/v1/fabric/discoveries/" + n))
            : Response.ok())
        .entity(Uploaded.of(stored))
        .build();
  }

  @GET
  @Operation(operationId = "listFabricDiscoveries", summary = "Uploaded discoveries, by name")
  @APIResponse(responseCode = "200", description = "The discoveries, without their text")
  public List<Uploaded> list(@Context HttpServerRequest request) {
    access.requireRead(request);
    return store.list().stream().map(Uploaded::of).toList();
  }

  @GET
  @Path("/{name}")
  @Produces(MediaType.TEXT_PLAIN)
  @Operation(operationId = "getFabricDiscovery", summary = "An uploaded discovery's text")
  @APIResponse(
      responseCode = "200",
      description = "The text as uploaded",
      content =
          @Content(
              mediaType = MediaType.TEXT_PLAIN,
              schema = @Schema(type = SchemaType.STRING, description = "ibnetdiscover -p output")))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  public Response get(
      @PathParam("name") String name,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    String n = name(name);
    // up to 16 MiB of text: answered as kept, gzip-coded, as a whole report is (a place per
    // caller, the pace), never as a string (sixteenth security review: 40 readers at once ran the
    // heap out); read once the place is taken, so a caller past its places reads nothing
    return whole
        .answer(
            () ->
                store
                    .gzipped(n)
                    .orElseThrow(() -> ApiException.notFound("no discovery named " + n)),
            caller,
            routing,
            MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8").toString())
        .build();
  }

  @DELETE
  @Path("/{name}")
  @Operation(
      operationId = "deleteFabricDiscovery",
      summary = "Delete an uploaded discovery (operator)")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Response delete(@PathParam("name") String name, @Context HttpServerRequest request) {
    access.require(request, WRITER);
    String n = name(name);
    if (!store.delete(n)) {
      throw ApiException.notFound("no discovery named " + n);
    }
    fabric.forget(n);
    return Response.noContent().build();
  }

  /**
   * Stores within the configured limits, one upload at a time on this server: the count and bytes
   * are checked in the store's transaction, and two uploads checked at once on one server could
   * both fit where only one does (replicas may still pass the limits by one upload each).
   */
  private synchronized boolean put(FabricDiscoveryStore.Entry entry, String text) {
    try {
      return store.put(entry, text, limits());
    } catch (FabricDiscoveryStore.Full e) {
      throw new ApiException(409, "Too many discoveries", e.getMessage());
    }
  }

  private void requireRoom(String name, long bytes) {
    try {
      store.requireRoom(name, bytes, limits());
    } catch (FabricDiscoveryStore.Full e) {
      throw new ApiException(409, "Too many discoveries", e.getMessage());
    }
  }

  private FabricDiscoveryStore.Limits limits() {
    return new FabricDiscoveryStore.Limits(
        config.fabric().uploadsMaxCount(), config.fabric().uploadsMaxBytes());
  }

  private static String name(String name) {
    if (name == null || name.isEmpty()) {
      throw ApiException.badRequest("name is required (?name=NAME): " + NAME_RULE);
    }
    if (!NAME.matcher(name).matches()) {
      String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
      throw ApiException.badRequest("bad name '" + shown + "': " + NAME_RULE);
    }
    return name;
  }
}
