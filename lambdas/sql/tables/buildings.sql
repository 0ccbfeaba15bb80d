-- buildings: the apartment complex. Natural key: building_id (1901–1911).
CREATE TABLE IF NOT EXISTS buildings (
  building_id      INTEGER NOT NULL,
  floors           INTEGER NOT NULL,
  units_per_floor  INTEGER NOT NULL,
  households       INTEGER NOT NULL,
  PRIMARY KEY (building_id)
);
