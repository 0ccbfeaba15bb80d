/**
 * Charger types: the national `chgerType` codes with the Korean names Seoul's city data API uses,
 * and which connectors each type carries (for "a charger my car can use").
 * The fast/slow split is by output, not type (50 kW and up: lambdas/analysis/ev-fast-chargers.ts).
 */

export type ChargerTypeCode = '01' | '02' | '03' | '04' | '05' | '06' | '07';
export type Connector = 'CHAdeMO' | 'AC' | 'AC3' | 'CCS';

interface ChargerTypeInfo {
  code: ChargerTypeCode;
  /** The name in Seoul's city data API (spaces removed when matching). */
  label: string;
  connectors: readonly Connector[];
}

export const CHARGER_TYPES: readonly ChargerTypeInfo[] = [
  { code: '01', label: 'DC차데모', connectors: ['CHAdeMO'] },
  { code: '02', label: 'AC완속', connectors: ['AC'] },
  { code: '03', label: 'DC차데모+AC3상', connectors: ['CHAdeMO', 'AC3'] },
  { code: '04', label: 'DC콤보', connectors: ['CCS'] },
  { code: '05', label: 'DC차데모+DC콤보', connectors: ['CHAdeMO', 'CCS'] },
  { code: '06', label: 'DC차데모+AC3상+DC콤보', connectors: ['CHAdeMO', 'AC3', 'CCS'] },
  { code: '07', label: 'AC3상', connectors: ['AC3'] },
];

/** A type name by its parts, in any order and spacing: `AC3상+DC차데모` is `DC차데모+AC3상`. */
const labelKey = (label: string) =>
  label
    .replace(/\s+/g, '')
    .split('+')
    .sort()
    .join('+');
const byLabel = new Map(CHARGER_TYPES.map((t) => [labelKey(t.label), t]));
const byCode = new Map(CHARGER_TYPES.map((t) => [t.code, t]));

/** The national code of a Korean type name (spaces and the order of its parts ignored), or null when unknown. */
export function chargerTypeOfLabel(label: string): ChargerTypeCode | null {
  return byLabel.get(labelKey(label))?.code ?? null;
}

export function connectorsOf(code: string): readonly Connector[] {
  return byCode.get(code as ChargerTypeCode)?.connectors ?? [];
}

export function chargerTypeLabel(code: string): string | null {
  return byCode.get(code as ChargerTypeCode)?.label ?? null;
}

export function knownChargerTypes(): string {
  return CHARGER_TYPES.map((t) => `${t.code}=${t.label}`).join(', ');
}
