/**
 * gridlake — the local CLI. Runs the same workflow file as the cloud, on local stand-ins under a
 * data directory (default .gridlake/). Exit codes: 0 success, 1 a run failed, 2 a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isRealDate, localDate } from '../lambdas/calendar';
// The configuration schema (zod) and the Plan step's rules are imported where a command needs them:
// `--help` and `sql` answer without them (see bin/cli-bundle.cjs for the compiled CLI).

const HELP = `gridlake — energy & market data ETL (local mode)

Usage:
  gridlake run [--date D | --from D --to D] [--sources a,b] [--data-dir DIR] [--config FILE]
      Run the workflow (statemachines/etl.asl.json) for one date or a range, with progress.
      Without a date: yesterday. Sources: meters, meter-simulator, utilities, market, ev-chargers, flow-sensors.
  gridlake import meters PATH [--columns MAP] [--timezone Area/City] [--timestamps-zone Area/City]
                       [--data-dir DIR]
      Put a meter CSV (meter_id,timestamp,kwh|wh; .csv or .csv.gz), a folder of them, or an
      energy-app export folder (user_data.csv + consumption/<id>.csv) into the landing zone, and
      print the command that loads it. Known exports are recognised by their header (the London
      smart-meter trial LCLid,tstp,energy(kWh/hh); the energy app's datetime,consumption).
      --columns MAP            which column holds what, by the file's header names:
                               meter_id=LCLid,timestamp=tstp,kwh=energy(kWh/hh)  (kwh or wh)
      --timezone ZONE          the meters' zone: their local days (default: a recognised
                               layout's, else meters.defaultTimezone of the config)
      --timestamps-zone ZONE   the zone naive timestamps are written in, when not the meters'
                               (e.g. UTC); timestamps with an offset or Z need neither
  gridlake import chargers DIR [--observed-at ISO] [--data-dir DIR]
      Put a folder in the charging-station seed's layout (station_info.csv, charger_info.csv;
      UTF-8 or CP949) into the landing zone, with what reading it found per table, and print the
      command that loads it (docs/EV.md).
      --observed-at ISO        when the snapshot was taken (e.g. 2023-08-09T23:00+09:00; without
                               an offset: Korea time); required when the files have no
                               DATA_UPDATE_TIME column
  gridlake import sensors PATH [--columns MAP] [--device ID] [--timezone Area/City]
                        [--date-order dmy|mdy] [--data-dir DIR]
      Put flow-meter logger exports (device_id,timestamp,flow_lpm,pressure_bar; a file or a
      folder of .csv/.txt) into the landing zone, with what reading them found and the rejected
      rows summarised by reason, and print the command that loads them (docs/FLOW.md).
      --columns MAP            which column holds what: date=Date,time=Time,flow_lpm=Flow,
                               pressure_bar=Pressure (timestamp, or date + time)
      --device ID              the device of a file without a device_id column
      --timezone ZONE          the zone of naive times (default flowSensors.timezone)
      --date-order mdy         month-first dates (default day-first, 16/12/2006)
  gridlake export device ID [--date D] [--data-dir DIR]
      Print a flow meter's device file (the 168 hourly forecast values it downloads, issued on D;
      default the newest) from the lake: exports/devices/ID/D.txt (docs/FLOW.md).
  gridlake sql "SQL" [--format table|json|csv] [--data-dir DIR]
      Query the local warehouse (DuckDB). Tables: see README "Tables".
  gridlake serve [--port N] [--data-dir DIR]
      Serve the dashboard with the latest published results.
  gridlake demo [--days N] [--port N] [--data-dir DIR]
      The last N (default 30) days of simulated data through the workflow, then serve (npm start).
  gridlake cloud smoke [--date D] --outputs FILE [--stack NAME]
      On a deployed stack: run one date, follow it, print its reconciliation (see cloud smoke --help).

Options:
  --data-dir DIR   local data directory (default .gridlake)
  --config FILE    JSON configuration (see README "Configuration"); default: built-in defaults
  -h, --help       this help

Exit codes: 0 success, 1 a run failed, 2 usage error.`;

class UsageError extends Error {}

const OPTIONS = {
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  sources: { type: 'string' },
  'data-dir': { type: 'string', default: '.gridlake' }, // local/import-command.ts DEFAULT_DATA_DIR
  config: { type: 'string' },
  timezone: { type: 'string' },
  'timestamps-zone': { type: 'string' },
  'observed-at': { type: 'string' },
  device: { type: 'string' },
  'date-order': { type: 'string' },
  columns: { type: 'string' },
  format: { type: 'string', default: 'table' },
  port: { type: 'string' },
  days: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Node's parseArgs message for an unknown flag is about positionals after `--` (with an unbalanced
 * quote); say instead which flag was not understood and the nearest known one.
 */
function unknownOptionMessage(message: string): string {
  const flag = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
  if (!flag) return message;
  const name = flag.replace(/^-+/, '');
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  const [best] = Object.keys(OPTIONS)
    .map((o) => [o, distance(name, o)] as const)
    .sort((x, y) => x[1] - y[1]);
  const hint = best && best[1] <= Math.max(1, Math.floor(name.length / 3)) ? ` Did you mean --${best[0]}?` : '';
  return `unknown option ${flag}.${hint} See gridlake --help.`;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'cloud') return (await import('../local/cloud-smoke')).cloudCommand(argv.slice(1)); // its own flags and --help
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS,
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  const dataDir = values['data-dir']!;
  const config = values.config ? await readConfig(values.config) : {};

  switch (command) {
    case 'run': {
      if (rest.length) throw new UsageError(`run takes no positional arguments (got "${rest.join(' ')}"); give the date as --date ${rest[0]}`);
      const { parseConfig, SOURCE_NAMES } = await import('../lambdas/config');
      const { assertNotFuture, dateRange } = await import('../lambdas/steps/plan');
      const input = runInput(values, dateRange, SOURCE_NAMES);
      const last = (input.to ?? input.date) as string | undefined;
      if (last) planRule(() => assertNotFuture(last, localDate(new Date(), parseConfig(config).meters.defaultTimezone)));
      const { runCommand } = await import('../local/commands');
      return runCommand({ dataDir, config, input });
    }
    case 'demo': {
      const days = values.days ? positiveInt(values.days, '--days') : 30;
      const { demoCommand } = await import('../local/commands');
      return demoCommand({ dataDir, config, days, port: values.port ? port(values.port) : 8080 });
    }
    case 'import': {
      const [kind, path] = rest;
      if (kind === 'chargers') {
        if (!path) throw new UsageError('usage: gridlake import chargers DIR [--observed-at ISO]');
        const { importChargersCommand } = await import('../local/import-chargers-command');
        try {
          return await importChargersCommand({ dataDir, configPath: values.config, path, observedAt: values['observed-at'] });
        } catch (e) {
          // A folder that cannot load (missing file or column, no observed time, not text) is refused: exit 2.
          if (['ChargerImportError', 'CsvFormatError', 'TextEncodingError'].includes((e as Error).name)) throw new UsageError((e as Error).message);
          throw e;
        }
      }
      if (kind === 'sensors') {
        if (!path) throw new UsageError('usage: gridlake import sensors PATH [--columns MAP] [--device ID] [--timezone Area/City] [--date-order dmy|mdy]');
        const order = values['date-order'];
        if (order !== undefined && order !== 'dmy' && order !== 'mdy') throw new UsageError(`--date-order must be dmy or mdy (got "${order}")`);
        const { importSensorsCommand } = await import('../local/import-sensors-command');
        try {
          return await importSensorsCommand({ dataDir, config, configPath: values.config, path, columns: values.columns, deviceId: values.device, timezone: values.timezone, dateOrder: order });
        } catch (e) {
          // A path, zone, device or mapping the reader cannot use: refused with nothing written, exit 2.
          if ((e as Error).name === 'SensorImportError') throw new UsageError((e as Error).message);
          throw e;
        }
      }
      if (kind !== 'meters' || !path) throw new UsageError('usage: gridlake import meters PATH [--columns MAP] [--timezone Area/City] [--timestamps-zone Area/City]\n       gridlake import chargers DIR [--observed-at ISO]\n       gridlake import sensors PATH [--columns MAP] [--device ID] [--timezone Area/City]');
      const { importCommand } = await import('../local/import-command');
      try {
        return await importCommand({
          dataDir,
          config,
          configPath: values.config,
          path,
          timezone: values.timezone,
          timestampsZone: values['timestamps-zone'],
          columns: values.columns,
        });
      } catch (e) {
        // What the user gave (a path, a zone, a mapping, a file that is not meter readings) is refused: exit 2.
        if ((e as Error).name === 'MeterImportError') throw new UsageError((e as Error).message);
        throw e;
      }
    }
    case 'export': {
      const [kind, id, extra] = rest;
      if (kind !== 'device' || !id || extra !== undefined) throw new UsageError('usage: gridlake export device ID [--date YYYY-MM-DD]');
      if (values.date !== undefined && !isRealDate(values.date)) throw new UsageError(`--date must be a real calendar date YYYY-MM-DD (got "${values.date}")`);
      const { exportDeviceCommand } = await import('../local/export-device-command');
      try {
        return await exportDeviceCommand({ dataDir, deviceId: id, date: values.date });
      } catch (e) {
        // No such device or date: say what exists, exit 2.
        if ((e as Error).name === 'ExportError') throw new UsageError((e as Error).message);
        throw e;
      }
    }
    case 'sql': {
      const [sql] = rest;
      if (!sql) throw new UsageError('usage: gridlake sql "SELECT …" [--format table|json|csv]');
      const format = values.format!;
      if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv (got "${format}")`);
      const { sqlCommand } = await import('../local/sql-command');
      return sqlCommand({ dataDir, sql, format: format as 'table' | 'json' | 'csv' });
    }
    case 'serve': {
      const { serveCommand } = await import('../local/commands');
      return serveCommand({ dataDir, port: values.port ? port(values.port) : 8080 });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try --help)`);
  }
}

function runInput(values: Record<string, unknown>, dateRange: (from: string, to: string) => unknown, known: readonly string[]): Record<string, unknown> {
  const { date, from, to, sources } = values as Record<string, string | undefined>;
  for (const [flag, v] of Object.entries({ date, from, to })) {
    if (v !== undefined && !isRealDate(v)) throw new UsageError(`--${flag} must be a real calendar date YYYY-MM-DD (got "${v}")`);
  }
  if (date && (from || to)) throw new UsageError('give either --date or --from/--to, not both');
  if (!from !== !to) throw new UsageError('--from and --to go together');
  if (from && to) planRule(() => dateRange(from, to)); // order and length, by the Plan step's own rules
  const input: Record<string, unknown> = {};
  if (date) input.date = date;
  if (from) Object.assign(input, { from, to });
  if (sources !== undefined) {
    const list = sources.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError('--sources names no source; give a comma-separated list such as meters,market (or leave it out for all)');
    const bad = list.filter((s) => !known.includes(s));
    if (bad.length) throw new UsageError(`unknown source(s) ${bad.join(', ')}; known: ${known.join(', ')}`);
    input.sources = list;
  }
  return input;
}

/** Runs one of the Plan step's input rules before anything starts: its refusal is a usage error. */
function planRule(rule: () => unknown): void {
  try {
    rule();
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^plan: /, ''));
  }
}

/** Reads and validates the --config file up front: a typo or a bad value is a usage error (exit 2). */
async function readConfig(path: string): Promise<Record<string, unknown>> {
  const { parseConfig } = await import('../lambdas/config');
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  try {
    parseConfig(value);
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  return value;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${v}")`);
  return n;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0–65535 (got "${v}")`);
  return n;
}

// A reader that stops early (`gridlake sql … | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const code = (e as { code?: string }).code;
      console.error(`gridlake: ${code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownOptionMessage((e as Error).message) : (e as Error).message}`);
      process.exitCode = 2;
    } else {
      console.error(`gridlake: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  },
);
