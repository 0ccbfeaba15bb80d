import { defineDataset } from './dataset';

export const chargingStations = defineDataset({
  name: 'charging_stations',
  description: `charging_stations: one row per EV charging station. Natural key: station_id.
lon/lat are WGS84 degrees; usage_time and kind are the source's free text (Korean for Seoul);
parking_fee and access_limited are the source's Y/N. Sources: the charging-station seed files
(gridlake import chargers), the EV simulator. See docs/EV.md.`,
  columns: [
    { name: 'station_id', type: 'VARCHAR(32)' },
    // Redshift VARCHAR lengths are bytes; Hangul takes 3 bytes a character in UTF-8.
    { name: 'name', type: 'VARCHAR(512)' },
    { name: 'address', type: 'VARCHAR(512)', nullable: true },
    { name: 'lon', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'lat', type: 'DOUBLE PRECISION', nullable: true },
    { name: 'usage_time', type: 'VARCHAR(512)', nullable: true },
    { name: 'parking_fee', type: 'BOOLEAN', nullable: true },
    { name: 'access_limited', type: 'BOOLEAN', nullable: true },
    { name: 'kind', type: 'VARCHAR(128)', nullable: true },
    { name: 'source', type: 'VARCHAR(32)' },
    { name: 'run_id', type: 'VARCHAR(64)' },
  ],
  naturalKey: ['station_id'],
  disposition: { kind: 'merge' },
  redshift: { distStyle: 'ALL', sortKey: ['station_id'], why: 'small dimension (thousands of stations) joined to every status: a copy on every node' },
  checks: [],
  raw: { fields: ['station_id', 'name', 'address', 'lon', 'lat', 'usage_time', 'parking_fee', 'access_limited', 'kind', 'reject_reason'] },
});
