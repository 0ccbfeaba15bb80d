-- households: one row per apartment. Natural key: household_id, e.g. '1901-0304' (building-floor unit).
CREATE TABLE IF NOT EXISTS households (
  household_id  VARCHAR(16) NOT NULL,
  building_id   INTEGER     NOT NULL,
  floor         INTEGER     NOT NULL,
  unit          INTEGER     NOT NULL,
  PRIMARY KEY (household_id)
);
