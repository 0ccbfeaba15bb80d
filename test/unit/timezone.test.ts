/** One timezone rule for the configuration and the import. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/config';
import { ianaTimezone } from '../../lambdas/timezone';

describe('ianaTimezone', () => {
  it('accepts Area/Location names and UTC, spelled as the tz database spells them', () => {
    expect(ianaTimezone('Europe/London')).toBe('Europe/London');
    expect(ianaTimezone('europe/london')).toBe('Europe/London');
    expect(ianaTimezone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(ianaTimezone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(ianaTimezone(' Asia/Tokyo ')).toBe('Asia/Tokyo');
    expect(ianaTimezone('utc')).toBe('UTC');
    expect(ianaTimezone('Etc/GMT+5')).toBe('Etc/GMT+5');
  });

  it('refuses abbreviations and names the runtime does not know', () => {
    for (const bad of ['EST', 'CST', 'CET', 'GMT', 'Mars/Base', '', '+09:00']) expect(ianaTimezone(bad), bad).toBeNull();
  });

  it('is the rule of the configuration too', () => {
    expect(parseConfig({ meters: { defaultTimezone: 'asia/tokyo' } }).meters.defaultTimezone).toBe('Asia/Tokyo');
    expect(() => parseConfig({ meters: { defaultTimezone: 'EST' } })).toThrow(/EST.*not an IANA timezone/);
  });
});
