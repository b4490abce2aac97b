package dev.fabricscope.events;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Server-Sent Events for one host: a {@code snapshot} event (JSON {@link HostEvents.SnapshotAdded})
 * whenever a report adds a snapshot. Same access as the read API.
 */
@Path("/api/v1/host-events/{host}")
public class HostEventsResource {

  @Inject Access access;
  @Inject InventoryStore store;
  @Inject HostEvents events;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  @Operation(summary = "Server-Sent Events: new snapshots of the host")
  public Multi<HostEvents.SnapshotAdded> events(
      @Context HttpServerRequest request, @PathParam("host") String host) {
    access.requireRead(request);
    InventoryStore.Host h =
        store.host(host).orElseThrow(() -> ApiException.notFound("no host named " + host));
    Long latest = h.latestSnapshotId();
    HostEvents.SnapshotAdded hello =
        new HostEvents.SnapshotAdded("hello", host, latest == null ? 0 : latest, h.imported());
    // The hello event opens the stream at once, so the page knows it is live.
    return Multi.createBy().merging().streams(Multi.createFrom().item(hello), events.of(host));
  }
}
