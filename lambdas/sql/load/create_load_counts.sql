-- Per-source staging counts of this load, kept inside the transaction so the run record written at
-- its end carries the exact loaded and duplicate counts.
CREATE TEMP TABLE load_counts (source VARCHAR(32), staged BIGINT, uniq BIGINT);
