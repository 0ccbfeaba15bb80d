/**
 * The session times of one status reading: the last completed session and the one in progress.
 * An unreadable time, or a last session that ends before it starts (4 chargers in the real Seoul
 * file), is withheld — set to null with a reason — so the status itself still loads.
 */
import { koreaTimeToUtc } from './korea-time';

export interface SessionText {
  lastStart: string;
  lastEnd: string;
  /** Start of the current session as the source writes it (also written while idle). */
  current: string;
}

export interface Session {
  start: string | null;
  end: string | null;
  since: string | null;
  /** Fields set to null, each with why. */
  withheld: { fields: string[]; reason: string }[];
}

export function sessionOf(text: SessionText, statusCode: number, timezone: string, names: Readonly<Record<keyof SessionText, string>>): Session {
  const withheld: Session['withheld'] = [];
  const time = (part: keyof SessionText, column: string): string | null => {
    const value = text[part].trim();
    if (value === '') return null;
    const at = koreaTimeToUtc(value, timezone);
    if (at === null) withheld.push({ fields: [column], reason: `${names[part]} "${value}" is not a time YYYY-MM-DD HH:MM; ${column} is withheld, the status loads` });
    return at;
  };
  let start = time('lastStart', 'last_charge_start');
  let end = time('lastEnd', 'last_charge_end');
  // The source leaves the previous session's start there when idle: only a charging charger (3) has one in progress.
  const since = statusCode === 3 ? time('current', 'charging_since') : null;
  if (start !== null && end !== null && end < start) {
    withheld.push({
      fields: ['last_charge_start', 'last_charge_end'],
      reason: `the last charging session ends (${names.lastEnd} ${text.lastEnd.trim()}) before it starts (${names.lastStart} ${text.lastStart.trim()}); the session is withheld, the status loads`,
    });
    start = null;
    end = null;
  }
  return { start, end, since, withheld };
}
