-- Host selection's offers (issue 13): what a host's snapshot offers a job, as the planner of one
-- build computed it, so a restarted server ranks its fleet without reading and parsing every
-- report again. planner names the build (a hash of its classes): a server reads only its own
-- build's rows and drops the others once it has started. The offer is gzip-compressed JSON; rows
-- go with their snapshot. Same dialect rules as V1.

CREATE TABLE host_offers (
  snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
  planner VARCHAR(64) NOT NULL,
  offer_gz BYTEA NOT NULL,
  PRIMARY KEY (snapshot_id, planner)
);
