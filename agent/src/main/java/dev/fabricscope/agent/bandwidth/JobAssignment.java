package dev.fabricscope.agent.bandwidth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.ListenerAddressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * A job side the server handed to this agent, checked again here as if the server were hostile:
 * every field goes through {@link BandwidthKind#of}, {@link Endpoint#parse} and {@link
 * BandwidthSpec#of}, the peer through the server's own listener rule ({@link ListenerAddressRule}:
 * the test's target address, nothing that stays on one host between two, an ephemeral port) and,
 * when it is on another host, through this agent's {@link PeerNetworks} (private, on-link or listed
 * networks only: the server cannot tell whether a TCP test's address is its target host's), and the
 * role must fit the kind. A listen side's address must be one of this host's own and no
 * unspecified, multicast or broadcast one ({@link PeerNetworks#listenProblem}). Only a {@code
 * JobAssignment} reaches a helper; anything that fails is refused before a process could start.
 * Fields this agent does not know are ignored (a newer server may add some; nothing reads them).
 *
 * @param jobId the job, for its events
 * @param listen whether this side starts the listener (else it runs the test)
 * @param spec the checked test
 * @param peer the target's listener (run side of two-sided kinds), else null
 * @param timeoutSeconds how long this side may take
 */
public record JobAssignment(
    long jobId, boolean listen, BandwidthSpec spec, Peer peer, long timeoutSeconds) {

  /** Longest side the agent accepts: the longest run plus the listener's wait, generously. */
  public static final long MAX_TIMEOUT_SECONDS = 3600;

  private static final Pattern GID = Pattern.compile("[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){1,7}");

  /** An assignment that failed the checks; {@link #jobId} is the job to report it on, or 0. */
  public static final class Refused extends Exception {
    private final long jobId;

    Refused(long jobId, String message) {
      super(message);
      this.jobId = jobId;
    }

    /** The job the refusal is about, 0 when even its id did not read. */
    public long jobId() {
      return jobId;
    }
  }

  /**
   * Reads and checks an assignment whose peer, if any, is on another host.
   *
   * @throws Refused with a one-line reason
   */
  public static JobAssignment parse(JsonNode n) throws Refused {
    return parse(n, id -> null);
  }

  /**
   * Reads and checks an assignment. Its peer is held to {@link ListenerAddressRule} as the server
   * holds listeners to it; the run side is taken to be on another host than the listener unless
   * {@code ownListener} says this agent itself listens at exactly that address and port for the job
   * (a test between two ports of this host), since an assignment saying so could lie. A peer on
   * another host must also be in a private range or on a network of this host ({@link
   * PeerNetworks#local} with nothing listed).
   *
   * @param ownListener where this agent's own listen side of a job listens, or null
   * @throws Refused with a one-line reason
   */
  public static JobAssignment parse(JsonNode n, LongFunction<Peer> ownListener) throws Refused {
    return parse(n, ownListener, PeerNetworks.local(List.of()));
  }

  /**
   * As {@link #parse(JsonNode, LongFunction)}, a peer on another host also held to {@code
   * networks}.
   *
   * @throws Refused with a one-line reason
   */
  public static JobAssignment parse(
      JsonNode n, LongFunction<Peer> ownListener, PeerNetworks networks) throws Refused {
    if (n == null || !n.isObject()) {
      throw new Refused(0, "an assignment is a JSON object");
    }
    JsonNode idNode = n.get("jobId");
    if (idNode == null || !idNode.isIntegralNumber() || idNode.asLong() < 1) {
      throw new Refused(0, "jobId: a positive number");
    }
    long id = idNode.asLong();
    try {
      String role = text(n, "role");
      if (!role.equals("run") && !role.equals("listen")) {
        throw new IllegalArgumentException(
            "role: run or listen, not '" + Endpoint.printable(role) + "'");
      }
      boolean listen = role.equals("listen");
      BandwidthKind kind = BandwidthKind.of(text(n, "kind"));
      JsonNode duration = n.get("durationSeconds");
      BandwidthSpec spec =
          BandwidthSpec.of(
              kind,
              Endpoint.parse(text(n, "source")),
              Endpoint.parse(text(n, "target")),
              number(n, "bytes", Long.MAX_VALUE),
              (int) number(n, "repetitions", Integer.MAX_VALUE),
              duration == null || duration.isNull()
                  ? null
                  : (int) number(n, "durationSeconds", Integer.MAX_VALUE),
              (int) number(n, "threads", Integer.MAX_VALUE),
              bool(n, "pageable"),
              concurrent(n.get("concurrent")));
      if (listen && !kind.twoSided()) {
        throw new IllegalArgumentException(kind.json() + " has no listening side");
      }
      JsonNode peerNode = n.get("peer");
      boolean hasPeer = peerNode != null && !peerNode.isNull();
      boolean needsPeer = kind.twoSided() && !listen;
      if (hasPeer != needsPeer) {
        throw new IllegalArgumentException(
            needsPeer ? "peer: required to run " + kind.json() : "peer: not expected here");
      }
      long timeout = number(n, "timeoutSeconds", MAX_TIMEOUT_SECONDS);
      if (timeout < 1) {
        throw new IllegalArgumentException("timeoutSeconds: 1 to " + MAX_TIMEOUT_SECONDS);
      }
      if (listen && spec.target().type() == Endpoint.Type.ADDRESS) {
        // the listen side binds the target address: held to this host's own addresses
        networks
            .listenProblem(spec.target().name())
            .ifPresent(
                why -> {
                  throw new IllegalArgumentException("listen " + why);
                });
      }
      Peer peer = hasPeer ? peer(peerNode, spec.target(), ownListener.apply(id), networks) : null;
      return new JobAssignment(id, listen, spec, peer, timeout);
    } catch (IllegalArgumentException e) {
      throw new Refused(id, "assignment refused: " + e.getMessage());
    }
  }

  /** The concurrent flows, {@code [{"source","target"}]}; absent, null or empty for none. */
  private static List<BandwidthFlow> concurrent(JsonNode v) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray() || v.size() >= BandwidthSpec.MAX_FLOWS) {
      throw new IllegalArgumentException(
          "concurrent: an array of at most " + (BandwidthSpec.MAX_FLOWS - 1) + " flows");
    }
    List<BandwidthFlow> out = new ArrayList<>(v.size());
    for (JsonNode f : v) {
      if (!f.isObject()) {
        throw new IllegalArgumentException("concurrent: each flow is {source, target}");
      }
      out.add(
          new BandwidthFlow(Endpoint.parse(text(f, "source")), Endpoint.parse(text(f, "target"))));
    }
    return out;
  }

  private static Peer peer(JsonNode p, Endpoint target, Peer own, PeerNetworks networks) {
    if (!p.isObject()) {
      throw new IllegalArgumentException("peer: an object");
    }
    String address = Endpoint.parse("addr:" + text(p, "address")).name();
    long port = number(p, "port", 65535);
    if (port < 1) {
      throw new IllegalArgumentException("peer.port: 1 to 65535");
    }
    JsonNode gidNode = p.get("gid");
    String gid = gidNode == null || gidNode.isNull() ? null : text(p, "gid");
    if (gid != null && !GID.matcher(gid).matches()) {
      throw new IllegalArgumentException(
          "peer.gid: '" + Endpoint.printable(gid) + "' is not a GID");
    }
    JsonNode gi = p.get("gidIndex");
    Integer gidIndex = gi == null || gi.isNull() ? null : (int) number(p, "gidIndex", 255);
    boolean ours =
        own != null
            && own.port() == port
            && ListenerAddressRule.sameAddress(own.address(), address);
    ListenerAddressRule.problem(address, (int) port, target, !ours)
        // this agent's own listener is on this host: no network bound to hold it to
        .or(() -> ours ? Optional.empty() : networks.problem(address))
        .ifPresent(
            why -> {
              throw new IllegalArgumentException("peer." + why);
            });
    return new Peer(address, (int) port, gid, gidIndex);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().length() > 64) {
      throw new IllegalArgumentException(field + ": a string of at most 64 characters");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, long max) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + ": a whole number");
    }
    long x = v.asLong();
    if (x < 0 || x > max) {
      throw new IllegalArgumentException(field + ": " + x + " is out of range");
    }
    return x;
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException(field + ": true or false");
    }
    return v.asBoolean();
  }
}
