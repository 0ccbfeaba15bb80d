/**
 * The apartment complex the utilities source describes (PRODUCT.md, "Building utility usage"):
 * 11 buildings numbered 1901–1911, 20 floors each; 1901–1910 have 4 units per floor (80
 * households), 1911 has 2 (40) — 840 households in all.
 */

export interface Building {
  building_id: number;
  floors: number;
  units_per_floor: number;
  households: number;
}

export interface Household {
  /** `<building>-<floor 2 digits><unit 2 digits>`, e.g. '1901-0304' = building 1901, floor 3, unit 4. */
  household_id: string;
  building_id: number;
  floor: number;
  unit: number;
}

const FLOORS = 20;
const FIRST_BUILDING = 1901;
const LAST_BUILDING = 1911;
/** The one building with two units per floor. */
const SMALL_BUILDING = 1911;

export function complexBuildings(): Building[] {
  const out: Building[] = [];
  for (let id = FIRST_BUILDING; id <= LAST_BUILDING; id++) {
    const units = id === SMALL_BUILDING ? 2 : 4;
    out.push({ building_id: id, floors: FLOORS, units_per_floor: units, households: FLOORS * units });
  }
  return out;
}

export function householdId(building: number, floor: number, unit: number): string {
  return `${building}-${String(floor).padStart(2, '0')}${String(unit).padStart(2, '0')}`;
}

/** Every household, ordered by building, floor, unit. */
export function complexHouseholds(): Household[] {
  const out: Household[] = [];
  for (const b of complexBuildings()) {
    for (let floor = 1; floor <= b.floors; floor++) {
      for (let unit = 1; unit <= b.units_per_floor; unit++) {
        out.push({ household_id: householdId(b.building_id, floor, unit), building_id: b.building_id, floor, unit });
      }
    }
  }
  return out;
}
