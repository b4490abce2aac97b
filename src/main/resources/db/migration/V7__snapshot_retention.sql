-- History retention (fabricscope.history.*): each host keeps at most so many snapshots and so many
-- stored (gzip) bytes of them; the oldest go first, the latest never. The host row carries its
-- running count and byte total so an ingest, which holds that row's lock anyway, decides without
-- scanning the host's snapshots. Existing rows are counted here once. Same dialect rules as V1.

ALTER TABLE snapshots ADD COLUMN report_bytes BIGINT;
UPDATE snapshots SET report_bytes = OCTET_LENGTH(report);
ALTER TABLE snapshots ALTER COLUMN report_bytes SET NOT NULL;

ALTER TABLE hosts ADD COLUMN snapshot_count BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE hosts ADD COLUMN snapshot_bytes BIGINT DEFAULT 0 NOT NULL;
UPDATE hosts SET
  snapshot_count = (SELECT COUNT(*) FROM snapshots s WHERE s.host_id = hosts.id),
  snapshot_bytes = (SELECT COALESCE(SUM(s.report_bytes), 0) FROM snapshots s WHERE s.host_id = hosts.id);
