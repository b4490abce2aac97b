package dev.fabricscope.plans;

import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * The {@link HostOffer} of one stored snapshot, for {@link HostOffers}: a host over the planner's
 * bounds offers nothing with the reason ({@link HostOffer#of}); a report the planner fails on, or
 * whose stored JSON no longer reads, offers nothing too, so one host never fails the whole fleet's
 * ranking or the ingest that stored it. An Error goes to the caller.
 */
final class SnapshotOffer {

  private static final Logger LOG = Logger.getLogger(HostOffers.class);

  private SnapshotOffer() {}

  /** The offer of a snapshot's stored report JSON. */
  static HostOffer ofJson(String host, long snapshotId, String json) {
    Report report;
    try {
      report = ReportJson.read(json);
    } catch (IOException | RuntimeException e) {
      return nothing(host, snapshotId, e);
    }
    return of(host, snapshotId, report);
  }

  /** The offer of a snapshot's report. */
  static HostOffer of(String host, long snapshotId, Report report) {
    try {
      HostOffer o = HostOffer.of(host, report);
      if (o.notPlanned() != null) {
        LOG.infof(
            "host selection: snapshot %d of %s not planned: %s", snapshotId, host, o.notPlanned());
      }
      return o;
    } catch (RuntimeException e) {
      return nothing(host, snapshotId, e);
    }
  }

  // a stored report passed the checks; one the planner cannot read is ranked as offering nothing
  private static HostOffer nothing(String host, long snapshotId, Exception e) {
    LOG.warnf("host selection: snapshot %d of %s not planned: %s", snapshotId, host, e);
    return HostOffer.notPlanned(host, "the planner failed: " + e.getMessage());
  }
}
