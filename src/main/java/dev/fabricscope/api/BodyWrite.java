package dev.fabricscope.api;

import dev.fabricscope.fabric.FabricDiscoveriesResource;
import dev.fabricscope.fabric.IbNetDiscoverText;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.Caller;

/**
 * The kinds of write under {@code /api/} whose body limits and senders differ, as {@link
 * RequestBodyGate} judges them before a body is read: imports (64 MiB, operators), agents' reports
 * (16 MiB, agents), fabric discoveries (16 MiB, operators) and any other write (1 MiB, the resource
 * decides who).
 */
enum BodyWrite {
  IMPORT(Importers.MAX_BYTES),
  REPORT(ReportsResource.MAX_REPORT_BYTES),
  DISCOVERY(IbNetDiscoverText.MAX_CHARS),
  OTHER(RequestBodyGate.OTHER_WRITES);

  /** The most body bytes it takes, as sent (before any Content-Encoding is undone). */
  final long limit;

  BodyWrite(long limit) {
    this.limit = limit;
  }

  /**
   * Whether a sender of {@code role} (null: a signed-on person whose provider roles map onto none,
   * or an anonymous reader) may make this write: the resources' own rules ({@link
   * Caller#mayReport}, {@link ImportsResource#WRITER}, {@link FabricDiscoveriesResource#WRITER}),
   * judged before the body is read.
   */
  boolean allows(Role role) {
    return switch (this) {
      case OTHER -> true;
      case REPORT -> Caller.mayReport(role);
      case IMPORT -> Caller.onLadder(role, ImportsResource.WRITER);
      case DISCOVERY -> Caller.onLadder(role, FabricDiscoveriesResource.WRITER);
    };
  }

  /** Who may make it, in the words of a refusal. */
  String who() {
    return switch (this) {
      case REPORT -> "an agent token";
      case IMPORT -> "the " + ImportsResource.WRITER.name().toLowerCase() + " role";
      case DISCOVERY, OTHER ->
          "the " + FabricDiscoveriesResource.WRITER.name().toLowerCase() + " role";
    };
  }

  static BodyWrite of(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/api/v1/imports") || p.startsWith("/api/v1/imports/")) {
      return IMPORT;
    }
    if (p.equals("/api/v1/reports")) {
      return REPORT;
    }
    return p.equals("/api/v1/fabric/discoveries") ? DISCOVERY : OTHER;
  }
}
