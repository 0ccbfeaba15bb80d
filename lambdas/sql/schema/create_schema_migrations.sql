-- The migrations a warehouse has applied (lambdas/schema/migration-runner.ts): one row per step,
-- with the checksum of the SQL it ran, so a deploy applies only what is new.
CREATE TABLE IF NOT EXISTS schema_migrations (
  id          VARCHAR(200) NOT NULL,
  checksum    VARCHAR(64)  NOT NULL,
  outcome     VARCHAR(16)  NOT NULL,
  applied_at  TIMESTAMPTZ  NOT NULL,
  PRIMARY KEY (id)
);
