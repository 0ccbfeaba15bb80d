/**
 * Golden test, written before the load switched to generated SQL: what the dataset declarations
 * generate equals the hand-written DDL and MERGE files (column alignment aside: meters.sql was
 * aligned by hand one space wider than its siblings).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSqlFiles } from '../../lambdas/datasets/generated-sql';

const SQL = join(__dirname, '..', '..', 'lambdas', 'sql');
const squeeze = (s: string) => s.replace(/ {2,}/g, ' ');

describe('generated SQL equals the hand-written files', () => {
  const files = generatedSqlFiles();
  for (const folder of ['tables', 'merge']) {
    for (const f of readdirSync(join(SQL, folder))) {
      it(`${folder}/${f}`, () => {
        expect(files.has(`${folder}/${f}`), `${folder}/${f} is generated`).toBe(true);
        expect(squeeze(files.get(`${folder}/${f}`)!)).toBe(squeeze(readFileSync(join(SQL, folder, f), 'utf8')));
      });
    }
  }
});
