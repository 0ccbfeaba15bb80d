/**
 * Writes the quarantine of one batch: one JSON object per rejected row,
 * `{file, line, reason, record}`, in line order, where `record` holds the raw fields as written.
 * Rows come from two places: lines the CSV reader could not split (wrong column count) and rows the
 * dataset SQL rejected (temp table `bad(ord, reason, raw_fields)`). Rows are streamed, never all held in JS.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { TransformSession } from './duckdb-session';
import type { RejectedLine, StagedRaw } from './raw-input';

export interface QuarantineLine {
  file: string;
  line: number;
  reason: string;
  record: Record<string, string | null>;
}

/** What the quarantine needs from the raw file; its file reads run while DuckDB writes the curated rows. */
export interface QuarantinePlan {
  rows: number;
  lines: Promise<Map<number, number>>;
  refetched: Promise<Map<number, string[]>>;
}

/**
 * Reads the rejected ordinals (temp table `bad`) and starts, without awaiting, the JS scans of the raw
 * file that find their line numbers and the raw text the SQL did not keep, so they overlap the next
 * DuckDB statement.
 */
export async function planQuarantine(session: TransformSession, staged: StagedRaw): Promise<QuarantinePlan> {
  const ordinals: number[] = [];
  const withoutFields: number[] = [];
  for await (const rows of session.stream('SELECT ord, raw_fields IS NULL FROM bad ORDER BY ord')) {
    for (const [ord, missing] of rows) {
      ordinals.push(ord as number);
      if (missing) withoutFields.push(ord as number);
    }
  }
  const lines = ordinals.length ? staged.lineNumbers(ordinals) : Promise.resolve(new Map<number, number>());
  // Rows rejected after the first scan (e.g. a nonexistent local time) have no raw text kept.
  const refetched = withoutFields.length ? lines.then((l) => staged.rawFieldsAt(withoutFields, l)) : Promise.resolve(new Map<number, string[]>());
  // Awaited in writeQuarantine; until then a failure must not surface as an unhandled rejection.
  lines.catch(() => undefined);
  refetched.catch(() => undefined);
  return { rows: ordinals.length + staged.rejects.length, lines, refetched };
}

/** Returns the number of lines written to `path`. */
export async function writeQuarantine(session: TransformSession, staged: StagedRaw, file: string, path: string, plan: QuarantinePlan): Promise<number> {
  if (plan.rows === 0) return 0;
  const lines = await plan.lines;
  const refetched = await plan.refetched;

  const out = createWriteStream(path);
  let written = 0;
  const write = async (q: QuarantineLine) => {
    written++;
    if (!out.write(JSON.stringify(q) + '\n')) await once(out, 'drain');
  };
  const rejects: RejectedLine[] = staged.rejects;
  let r = 0;
  try {
    for await (const rows of session.stream('SELECT ord, reason, raw_fields FROM bad ORDER BY ord')) {
      for (const row of rows) {
        const [ord, reason, fields] = row as [number, string, (string | null)[] | null];
        const values = fields ?? refetched.get(ord) ?? [];
        const line = lines.get(ord) ?? ord;
        while (r < rejects.length && rejects[r]!.line < line) await write({ file, ...rejects[r++]! });
        const record: Record<string, string | null> = {};
        staged.fieldNames.forEach((name, i) => {
          record[name] = values[i] ?? null;
        });
        await write({ file, line, reason, record });
      }
    }
    while (r < rejects.length) await write({ file, ...rejects[r++]! });
  } finally {
    out.end();
    await once(out, 'close');
  }
  return written;
}
