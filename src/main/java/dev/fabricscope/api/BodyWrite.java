package dev.fabricscope.api;

import dev.fabricscope.fabric.FabricDiscoveriesResource;
import dev.fabricscope.fabric.IbNetDiscoverText;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.Caller;

/**
 * The kinds of write under {@code /api/} whose body limits and senders differ, as {@link
 * RequestBodyGate} judges them before a body is read: imports (64 MiB, operators), agents' reports
 * (16 MiB, agents), fabric discoveries (16 MiB, operators), the other writes of one role (1 MiB:
 * tokens for admins; plans, plan versions and bandwidth tests for operators; heartbeats, job events
 * and capabilities for agents) and any other write (1 MiB, anyone: the read-only POSTs, a plan
 * preview and a host selection). A chunked, coded or large body for a write its sender's role may
 * not make is refused unread: viewers' chunked bodies had reached the admins' and operators'
 * resources, and a malformed one logged a stack trace there (eighteenth security review, finding
 * 2).
 */
enum BodyWrite {
  IMPORT(Importers.MAX_BYTES),
  REPORT(ReportsResource.MAX_REPORT_BYTES),
  DISCOVERY(IbNetDiscoverText.MAX_CHARS),
  ADMIN_WRITE(RequestBodyGate.OTHER_WRITES),
  OPERATOR_WRITE(RequestBodyGate.OTHER_WRITES),
  AGENT_WRITE(RequestBodyGate.OTHER_WRITES),
  OTHER(RequestBodyGate.OTHER_WRITES);

  /** Plans' and bandwidth tests' writes, which the operator role makes. */
  private static final java.util.regex.Pattern OPERATORS =
      java.util.regex.Pattern.compile("/api/v1/(plans|plans/[^/]+/versions|bandwidth-tests)");

  /** The agents' writes beside their reports (an admin may make them too, as it may report). */
  private static final java.util.regex.Pattern AGENTS =
      java.util.regex.Pattern.compile(
          "/api/v1/(reports/heartbeat|agents/[^/]+/(capabilities|jobs/[^/]+/events))");

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
      case REPORT, AGENT_WRITE -> Caller.mayReport(role);
      case ADMIN_WRITE -> Caller.onLadder(role, Role.ADMIN);
      case OPERATOR_WRITE -> Caller.onLadder(role, Role.OPERATOR);
      case IMPORT -> Caller.onLadder(role, ImportsResource.WRITER);
      case DISCOVERY -> Caller.onLadder(role, FabricDiscoveriesResource.WRITER);
    };
  }

  /** Who may make it, in the words of a refusal. */
  String who() {
    return switch (this) {
      case REPORT, AGENT_WRITE -> "an agent token";
      case IMPORT -> "the " + ImportsResource.WRITER.name().toLowerCase() + " role";
      case ADMIN_WRITE -> "the admin role";
      case DISCOVERY, OPERATOR_WRITE, OTHER ->
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
    if (p.equals("/api/v1/fabric/discoveries")) {
      return DISCOVERY;
    }
    if (p.equals("/api/v1/tokens") || p.startsWith("/api/v1/tokens/")) {
      return ADMIN_WRITE;
    }
    if (OPERATORS.matcher(p).matches()) {
      return OPERATOR_WRITE;
    }
    return AGENTS.matcher(p).matches() ? AGENT_WRITE : OTHER;
  }
}
