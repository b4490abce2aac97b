package dev.fabricscope.api;

import dev.fabricscope.fabric.IbNetDiscoverText;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.inventory.TokenStore.Role;

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
   * or an anonymous reader) may make this write: the resources' own rule, judged before the body is
   * read (reports come from agents, imports and discoveries from operators; admins do all).
   */
  boolean allows(Role role) {
    return switch (this) {
      case OTHER -> true;
      case REPORT -> role == Role.AGENT || role == Role.ADMIN;
      case IMPORT, DISCOVERY -> role == Role.OPERATOR || role == Role.ADMIN;
    };
  }

  /** Who may make it, in the words of a refusal. */
  String who() {
    return this == REPORT ? "an agent token" : "the operator role";
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
