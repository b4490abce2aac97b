package dev.fabricscope.api;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.inventory.TokenStore.Token;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Tokens;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Token administration (admin role). The secret is returned once, at creation. */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tokens")
@SecurityRequirement(name = "bearer", scopes = "admin")
public class TokensResource {

  @Inject Access access;
  @Inject TokenStore tokens;

  /** A token to create: agent tokens name the host they may write. */
  public record NewToken(
      @Schema(required = true, minLength = 1, maxLength = 100) String name,
      @Schema(
              required = true,
              enumeration = {"agent", "viewer", "operator", "admin"})
          String role,
      @Schema(description = "The host an agent token may write (agent tokens only)") String host) {}

  /** The created token with its secret, shown this once. */
  @Schema(name = "CreatedToken")
  public record Created(
      Token token, @Schema(description = "The bearer secret, shown this once") String secret) {}

  @GET
  @Operation(operationId = "listTokens", summary = "List tokens (no secrets)")
  @APIResponse(responseCode = "200", description = "The tokens")
  public List<Token> list(@Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    return tokens.list();
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "createToken",
      summary = "Create a token; the response holds its secret, shown once")
  @APIResponse(
      responseCode = "201",
      description = "The token and its secret",
      content = @Content(schema = @Schema(implementation = Created.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  public Response create(NewToken t, @Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    if (t == null || t.name() == null || t.name().isBlank() || t.name().length() > 100) {
      throw ApiException.badRequest("a token needs a name (1-100 characters)");
    }
    String odd = oddCharacter(t.name());
    if (odd != null) {
      throw ApiException.badRequest("a token's name is what logs, quotas and plans show: " + odd);
    }
    Role role;
    try {
      role = Role.valueOf(String.valueOf(t.role()).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("role must be agent, viewer, operator or admin");
    }
    if (role == Role.AGENT && (t.host() == null || t.host().isBlank())) {
      throw ApiException.badRequest("an agent token needs the host it may write");
    }
    if (role != Role.AGENT && t.host() != null) {
      throw ApiException.badRequest("only agent tokens are bound to a host");
    }
    if (t.host() != null) {
      dev.fabricscope.topology.HostNames.problem(t.host())
          .ifPresent(
              why -> {
                throw ApiException.badRequest("host refused: " + why);
              });
    }
    String secret = Tokens.newSecret();
    Token created = tokens.create(t.name(), role, t.host(), Tokens.hash(secret), Instant.now());
    return Response.status(201).entity(new Created(created, secret)).build();
  }

  @DELETE
  @Path("/{id}")
  @Operation(operationId = "revokeToken", summary = "Revoke a token; its event streams end")
  @APIResponse(responseCode = "204", description = "Revoked")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Response revoke(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    long id = Params.id("token id", idParam);
    if (!tokens.revoke(id, Instant.now())) {
      throw ApiException.notFound("no token " + id);
    }
    access.revoked(id);
    return Response.noContent().build();
  }

  /**
   * Why a name cannot be a caller's name, or null (thirteenth security review): it is shown in
   * logs, pages and plans and counts quotas, so no control characters (a newline forges a log
   * line), no format characters (U+202E turns the text around, zero-width ones hide a difference),
   * no lone surrogates and no blanks around it.
   */
  static String oddCharacter(String name) {
    if (!name.equals(name.strip())) {
      return "blanks around it";
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c)) {
        return String.format("control character U+%04X at %d", c, i);
      }
      if (type == Character.FORMAT || type == Character.SURROGATE || type == Character.UNASSIGNED) {
        return String.format("invisible or invalid character U+%04X at %d", c, i);
      }
      i += Character.charCount(c);
    }
    return null;
  }
}
