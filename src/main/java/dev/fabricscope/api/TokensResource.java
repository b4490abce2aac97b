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

/** Token administration (admin role). The secret is returned once, at creation. */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {

  @Inject Access access;
  @Inject TokenStore tokens;

  /** A token to create: agent tokens name the host they may write. */
  public record NewToken(String name, String role, String host) {}

  /** The created token with its secret, shown this once. */
  public record Created(Token token, String secret) {}

  @GET
  @Operation(summary = "List tokens (no secrets)")
  public List<Token> list(@Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    return tokens.list();
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create a token; the response holds its secret, shown once")
  public Response create(NewToken t, @Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    if (t == null || t.name() == null || t.name().isBlank() || t.name().length() > 100) {
      throw ApiException.badRequest("a token needs a name (1-100 characters)");
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
  @Operation(summary = "Revoke a token")
  public Response revoke(@PathParam("id") String idParam, @Context HttpServerRequest request) {
    access.require(request, Role.ADMIN);
    long id = Params.id("token id", idParam);
    if (!tokens.revoke(id, Instant.now())) {
      throw ApiException.notFound("no token " + id);
    }
    access.revoked(id);
    return Response.noContent().build();
  }
}
