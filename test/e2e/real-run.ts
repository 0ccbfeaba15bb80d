/**
 * Data for the browser tests from a real local run: the CLI (`bin/cli.ts`) runs the workflow into a
 * temporary data dir, and `gridlake sql` is the ground truth the dashboard's numbers are checked
 * against.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './browser';

const run = promisify(execFile);

async function cli(args: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('npx', ['tsx', 'bin/cli.ts', ...args], { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string; code?: number };
    throw new Error(`gridlake ${args.join(' ')} failed (exit ${String(err.code)}):\n${err.stderr ?? ''}\n${(err.stdout ?? '').slice(-2000)}`);
  }
}

/** `gridlake run --from --to --data-dir`: the whole workflow, as a user runs it. */
export async function runPipeline(dataDir: string, from: string, to: string): Promise<string> {
  return cli(['run', '--from', from, '--to', to, '--data-dir', dataDir], 15 * 60_000);
}

/** `gridlake sql … --format json`: rows as the warehouse returns them. */
export async function sqlJson(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const out = await cli(['sql', sql, '--format', 'json', '--data-dir', dataDir], 120_000);
  const start = out.indexOf('[');
  if (start < 0) throw new Error(`gridlake sql printed no JSON array for: ${sql}\n${out.slice(0, 500)}`);
  return JSON.parse(out.slice(start)) as Record<string, unknown>[];
}

/** The local pseudonym key (lambdas/ports/local-ports.ts keeps it in `<dataDir>/pseudonym.key`). */
export async function readPseudonymKey(dataDir: string): Promise<string> {
  return (await readFile(path.join(dataDir, 'pseudonym.key'), 'utf8')).trim();
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function daysAgo(n: number, now = new Date()): string {
  return isoDay(new Date(now.getTime() - n * 86_400_000));
}
