-- One-time maintenance work done by a running server in the background, in short transactions,
-- and recorded here once finished (so that it runs until it has, whichever replica gets to it).
-- The first: 'redact-kernel-command-lines', the kernel command lines of reports stored before
-- reports were redacted (StoredLineRedaction). Same dialect rules as V1.

CREATE TABLE maintenance (
  name VARCHAR(64) PRIMARY KEY,
  done_at TIMESTAMP WITH TIME ZONE NOT NULL
);
