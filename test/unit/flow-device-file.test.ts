/** The 168-line device file: format, order, DST, and a reader written the way device firmware would be. */
import { describe, expect, it } from 'vitest';
import { deviceFileKey, formatDeviceFile, localStamp } from '../../lambdas/analysis/flow-device-file';
import { FlowInputError } from '../../lambdas/analysis/flow-minute-grid';

/**
 * What a microcontroller does with the file: byte by byte, no date library, no floats from a
 * library parser. Each line: 16 characters of local time, 6 of offset, a space, digits with one
 * optional '.', then '\n'. Returns epoch minutes of each line's instant and its value × 10^decimals.
 */
function deviceParse(text: string): { minutes: number[]; scaled: number[]; decimals: number[] } {
  const bytes = Buffer.from(text, 'ascii');
  const minutes: number[] = [];
  const scaled: number[] = [];
  const decimals: number[] = [];
  let p = 0;
  const digits = (n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const c = bytes[p++]!;
      if (c < 48 || c > 57) throw new Error(`digit expected at byte ${p - 1}`);
      v = v * 10 + (c - 48);
    }
    return v;
  };
  const expectByte = (ch: string) => {
    if (bytes[p++] !== ch.charCodeAt(0)) throw new Error(`"${ch}" expected at byte ${p - 1}`);
  };
  // Days from 1970-01-01 of a civil date (H. Hinnant's algorithm, integer only).
  const daysFromCivil = (y: number, m: number, d: number) => {
    y -= m <= 2 ? 1 : 0;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  };
  while (p < bytes.length) {
    const y = digits(4);
    expectByte('-');
    const mo = digits(2);
    expectByte('-');
    const d = digits(2);
    expectByte('T');
    const h = digits(2);
    expectByte(':');
    const mi = digits(2);
    const sign = bytes[p++] === 45 ? -1 : 1;
    const oh = digits(2);
    expectByte(':');
    const om = digits(2);
    expectByte(' ');
    let v = 0;
    let dec = -1;
    while (bytes[p] !== 10) {
      const c = bytes[p++]!;
      if (c === 46 && dec === -1) dec = 0;
      else if (c >= 48 && c <= 57) (v = v * 10 + (c - 48)), dec >= 0 && dec++;
      else throw new Error(`unexpected byte ${c} at ${p - 1}`);
    }
    p++; // '\n'
    minutes.push(daysFromCivil(y, mo, d) * 1440 + h * 60 + mi - sign * (oh * 60 + om));
    scaled.push(v);
    decimals.push(Math.max(0, dec));
  }
  return { minutes, scaled, decimals };
}

const values = (n = 168) => Array.from({ length: n }, (_, k) => 10 + 5 * Math.sin(k / 4) + k / 100);

describe('device file', () => {
  it('has exactly 168 lines from the next local midnight, sorted, in the documented format', () => {
    const text = formatDeviceFile('2026-12-02', 'Asia/Tokyo', values());
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // every line ends with \n, the last one too
    expect(lines).toHaveLength(168);
    expect(lines[0]).toBe('2026-12-03T00:00+09:00 10.0');
    expect(lines[1]).toBe(`2026-12-03T01:00+09:00 ${values()[1]!.toFixed(1)}`);
    expect(lines[167]!.startsWith('2026-12-09T23:00+09:00 ')).toBe(true);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[+-]\d{2}:\d{2} \d+\.\d$/);
    expect([...lines].sort()).toEqual(lines);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
  });

  it('reads back as firmware would: 168 instants exactly an hour apart, values to the decimal', () => {
    for (const [zone, date] of [
      ['Asia/Tokyo', '2026-12-02'],
      ['Europe/London', '2026-03-28'], // spring forward on the 29th: the local day has 23 hours
      ['Europe/London', '2026-10-24'], // fall back on the 25th: 25 hours
      ['America/St_Johns', '2026-11-01'], // −03:30 / −02:30, switch on the 1st
      ['Asia/Kolkata', '2026-06-30'], // +05:30
      ['Australia/Lord_Howe', '2026-04-04'], // a 30-minute DST shift
    ] as const) {
      const v = values();
      const parsed = deviceParse(formatDeviceFile(date, zone, v, 2));
      expect(parsed.minutes, zone).toHaveLength(168);
      for (let k = 1; k < 168; k++) expect(parsed.minutes[k]! - parsed.minutes[k - 1]!, `${zone} line ${k + 1}`).toBe(60);
      expect(parsed.scaled, zone).toEqual(v.map((x) => Math.round(x * 100)));
      expect(new Set(parsed.decimals)).toEqual(new Set([2]));
    }
  });

  it('shows the DST change in the offset: London spring and autumn', () => {
    const spring = formatDeviceFile('2026-03-28', 'Europe/London', values()).split('\n');
    expect(spring.slice(0, 3).map((l) => l.slice(0, 22))).toEqual(['2026-03-29T00:00+00:00', '2026-03-29T02:00+01:00', '2026-03-29T03:00+01:00']);
    const autumn = formatDeviceFile('2026-10-24', 'Europe/London', values()).split('\n');
    expect(autumn.slice(0, 4).map((l) => l.slice(0, 22))).toEqual(['2026-10-25T00:00+01:00', '2026-10-25T01:00+01:00', '2026-10-25T01:00+00:00', '2026-10-25T02:00+00:00']);
    expect(localStamp(Date.parse('2026-12-02T15:00:00Z'), 'America/St_Johns')).toBe('2026-12-02T11:30-03:30');
    // St. John's falls back at 04:30 UTC (a half-hour instant): the labels change exactly there.
    const stJohns = formatDeviceFile('2026-10-31', 'America/St_Johns', values()).split('\n');
    expect(stJohns.slice(0, 4).map((l) => l.slice(0, 22))).toEqual(['2026-11-01T00:00-02:30', '2026-11-01T01:00-02:30', '2026-11-01T01:00-03:30', '2026-11-01T02:00-03:30']);
  });

  it('refuses a short file, a missing or negative value, and a device id unsafe in a key', () => {
    expect(() => formatDeviceFile('2026-12-02', 'Asia/Tokyo', values(167))).toThrow(FlowInputError);
    expect(() => formatDeviceFile('2026-12-02', 'Asia/Tokyo', [...values(167), NaN])).toThrow(/2026-12-09T23:00\+09:00 has value NaN/);
    expect(() => formatDeviceFile('2026-12-02', 'Asia/Tokyo', [-1, ...values(167)])).toThrow(/every hour needs a finite flow ≥ 0/);
    expect(deviceFileKey('FS001', '2026-12-02')).toBe('exports/devices/FS001/2026-12-02.txt');
    for (const bad of ['../x', 'a/b', '', 'FS 1', '.hidden']) expect(() => deviceFileKey(bad, '2026-12-02'), bad).toThrow(FlowInputError);
  });
});

describe('UTC offsets (local-time.ts, shared by meters and flow sensors) on the minute grid', () => {
  it('match the runtime tz database at every 7th minute of DST-change days, half-hour switches included', async () => {
    const { utcOffsetMs: offsetAt } = await import('../../lambdas/analysis/local-time');
    const intlOffset = (ms: number, zone: string) => {
      const p: Record<string, number> = {};
      const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
      for (const x of f.formatToParts(ms)) if (x.type !== 'literal') p[x.type] = Number(x.value);
      return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - Math.floor(ms / 60_000) * 60_000;
    };
    for (const [zone, day] of [
      ['America/St_Johns', '2026-11-01'],
      ['America/St_Johns', '2026-03-08'],
      ['Australia/Lord_Howe', '2026-10-04'],
      ['Pacific/Chatham', '2026-09-27'],
      ['Europe/London', '2026-03-29'],
    ] as const) {
      const from = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
      for (let ms = from; ms < from + 3 * 86_400_000; ms += 7 * 60_000) expect(offsetAt(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(intlOffset(ms, zone));
    }
  });
});
