package dev.fabricscope.api;

import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * One page of a list, as the query parameters {@code offset} (from 0, default 0) and {@code limit}
 * (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) of {@code GET /hosts} and {@code GET
 * /bandwidth-tests} (a {@link jakarta.ws.rs.BeanParam}). The values are kept as given and checked
 * when read, so a bad one is a 400 that names it, at the point the resource asks.
 */
public class PageQuery {

  /** The largest page. */
  public static final int MAX_LIMIT = 500;

  /** The page when no limit is given. */
  public static final int DEFAULT_LIMIT = 50;

  @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0"))
  @QueryParam("offset")
  String offsetParam;

  @Parameter(
      schema =
          @Schema(
              type = SchemaType.INTEGER,
              minimum = "1",
              maximum = "" + MAX_LIMIT,
              defaultValue = "" + DEFAULT_LIMIT))
  @QueryParam("limit")
  String limitParam;

  /** {@code offset}, checked. */
  public int offset() {
    return Params.intIn("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
  }

  /** {@code limit}, checked. */
  public int limit() {
    return Params.intIn("limit", limitParam, DEFAULT_LIMIT, 1, MAX_LIMIT);
  }
}
