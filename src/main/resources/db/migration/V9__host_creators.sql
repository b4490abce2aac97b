-- Who created each host (a security review's open point: an admin who finds a token flooding the
-- inventory with imported hosts could neither see whose they are nor delete them but one by one).
-- Written once, by the insert of the host row: 'agent:<token name>', 'token:<name>',
-- 'person:<subject>' or 'server' (demo data). NULL for hosts made before this version: whoever
-- made them is not known, and nothing is guessed. Same dialect rules as V1.

ALTER TABLE hosts ADD COLUMN created_by VARCHAR(255);
-- the list filter and the admins' bulk delete select by creator, a batch at a time by name
CREATE INDEX hosts_created_by ON hosts (created_by, name);
