/**
 * Charger status: the national charger-status codes (Ministry of Environment EV charger API, field
 * `stat`) and the Korean labels Seoul's real-time city data API (`CHARGER_STTS`) gives instead.
 * Analysts query codes; labels are kept beside them as the source wrote them.
 */

/** 1 communication error, 2 available, 3 charging, 4 stopped, 5 inspecting, 9 unknown. */
export type StatusCode = 1 | 2 | 3 | 4 | 5 | 9;

/** Seoul city-data label → national code. `충전대기` is the older spelling of "available". */
const LABEL_TO_CODE: ReadonlyMap<string, StatusCode> = new Map([
  ['통신이상', 1],
  ['사용가능', 2],
  ['충전대기', 2],
  ['충전중', 3],
  ['운영중지', 4],
  ['점검중', 5],
  ['상태미확인', 9],
]);

/** The label written for a national code when a source gives only the number. */
export const CODE_TO_LABEL: Readonly<Record<StatusCode, string>> = {
  1: '통신이상',
  2: '사용가능',
  3: '충전중',
  4: '운영중지',
  5: '점검중',
  9: '상태미확인',
};

export const STATUS_CODES: readonly StatusCode[] = [1, 2, 3, 4, 5, 9];

/** The code of a Korean label (spaces ignored), or null when the label is not one of the six. */
export function statusCodeOfLabel(label: string): StatusCode | null {
  return LABEL_TO_CODE.get(label.replace(/\s+/g, '')) ?? null;
}

/** The code of the API's `stat` value ("2", 2, "02"), or null when it is not a national code. */
export function statusCodeOfStat(stat: string | number): StatusCode | null {
  const n = typeof stat === 'number' ? stat : /^\s*\d+\s*$/.test(stat) ? Number(stat) : NaN;
  return (STATUS_CODES as readonly number[]).includes(n) ? (n as StatusCode) : null;
}

export function knownStatusLabels(): string {
  return [...LABEL_TO_CODE].map(([label, code]) => `${label}=${code}`).join(', ');
}
