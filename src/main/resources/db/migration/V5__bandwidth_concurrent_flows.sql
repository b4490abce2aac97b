-- Concurrent flows of one bandwidth test (issue 13, acceptance 3): the flows that run at the same
-- time as the test's own, as SOURCE=TARGET separated by ';' (BandwidthFlow), checked again on
-- every read like the rest of the spec. NULL for a test of one flow. Same dialect rules as V1.
ALTER TABLE bandwidth_jobs ADD COLUMN concurrent_flows VARCHAR(4096);
