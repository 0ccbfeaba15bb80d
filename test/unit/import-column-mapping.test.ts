/** `--columns` parsing and the known layouts recognised by header (pure functions, no files). */
import { describe, expect, it } from 'vitest';
import { assertMappingFits, ColumnMappingError, columnMapOption, parseColumnsOption } from '../../lambdas/sources/meters/column-mapping';
import { recogniseLayout } from '../../lambdas/sources/meters/known-layouts';
import { detectMeterCsv } from '../../lambdas/steps/transform/csv-header';

describe('--columns', () => {
  it('reads field=header pairs; header names keep brackets, spaces, "=" and commas', () => {
    expect(parseColumnsOption('meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh)')).toEqual({ meter_id: 'LCLid', timestamp: 'tstp', kwh: 'energy(kWh/hh)' });
    expect(parseColumnsOption(' Timestamp = Reading start, UTC ,wh=a=b')).toEqual({ timestamp: 'Reading start, UTC', wh: 'a=b' });
  });

  it('refuses an unknown field, a field twice, kwh with wh, one column for two fields, a missing header', () => {
    for (const [spec, message] of [
      ['meter=LCLid', /"meter" is not a field/],
      ['kwh=a,kwh=b', /names kwh twice/],
      ['kwh=a,wh=b', /both kwh \("a"\) and wh \("b"\)/],
      ['meter_id=X,timestamp= x ', /maps the column "X" to both meter_id and timestamp/],
      ['kwh=', /give the header name/],
    ] as const) {
      expect(() => parseColumnsOption(spec), spec).toThrow(ColumnMappingError);
      expect(() => parseColumnsOption(spec), spec).toThrow(message);
    }
  });

  it('checks the mapping against a header (trimmed, any case, any delimiter) and names the header found', () => {
    const mapping = parseColumnsOption('meter_id=lclid,timestamp=TSTP,kwh=energy(kWh/hh)');
    expect(() => assertMappingFits('f.csv', ' LCLid ; tstp ;energy(kWh/hh)', mapping)).not.toThrow();
    expect(() => assertMappingFits('f.csv', 'LCLid,tstp,energy', mapping)).toThrow(
      '--columns kwh=energy(kWh/hh): f.csv has no such column (found: LCLid, tstp, energy)',
    );
  });

  it('the transform reads the mapped columns, ignoring a column merely named like a field', () => {
    const layout = detectMeterCsv('f.csv', 'meter_id,time,kwh,kwh_fixed', { columnMap: columnMapOption({ timestamp: 'time', kwh: 'kwh_fixed' }) });
    expect(layout).toMatchObject({ meterIdColumn: 0, timestampColumn: 1, valueColumn: 3, valueField: 'kwh' });
  });
});

describe('known layouts', () => {
  it('recognises the London trial (both releases) and the energy app file by their exact columns', () => {
    expect(recogniseLayout(['LCLid', 'tstp', 'energy(kWh/hh)'])).toMatchObject({ id: 'london-smart-meters', timestampsZone: 'UTC', timezone: 'Europe/London' });
    expect(recogniseLayout(['LCLid', 'stdorToU', 'DateTime', 'KWH/hh (per half hour) '])).toMatchObject({ id: 'london-smart-meters-ukpn' });
    expect(recogniseLayout(['datetime', 'consumption'])).toMatchObject({ id: 'smap-consumption', meterFromFileName: true });
    expect(recogniseLayout(['LCLid', 'tstp', 'energy(kWh/hh)', 'extra'])).toBeNull();
    expect(recogniseLayout(['meter_id', 'timestamp', 'kwh'])).toBeNull();
  });
});
