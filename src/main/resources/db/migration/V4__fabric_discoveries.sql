-- Uploaded ibnetdiscover -p outputs (issue 14): one row per name, replaced by a new upload of the
-- same name. Same dialect rules as V1: types both H2 2.x and PostgreSQL 14+ accept. The text is
-- kept gzip-compressed in BYTEA (it is checked and parsed before it is stored, at most 16 MiB);
-- the summary columns let the list answer without reading the texts.

CREATE TABLE fabric_discoveries (
  name VARCHAR(64) PRIMARY KEY,
  text_gz BYTEA NOT NULL,
  bytes INTEGER NOT NULL,
  fabric_key VARCHAR(19) NOT NULL,
  switches INTEGER NOT NULL,
  ca_ports INTEGER NOT NULL,
  uploaded TIMESTAMP WITH TIME ZONE NOT NULL,
  uploaded_by VARCHAR(255) NOT NULL
);
