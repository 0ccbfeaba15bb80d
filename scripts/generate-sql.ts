/**
 * `npm run generate:sql`: writes the SQL derived from the dataset declarations (lambdas/datasets/)
 * to lambdas/sql/ — DDL, MERGE/INSERT/DELETE and data checks — and removes generated files whose
 * declaration is gone. Run it after editing a declaration and commit the result; the unit test
 * test/unit/generated-sql.test.ts fails while the files are stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_FOLDERS, generatedSqlFiles } from '../lambdas/datasets/generated-sql';

const SQL = join(__dirname, '..', 'lambdas', 'sql');
const files = generatedSqlFiles();
let written = 0;
for (const [rel, text] of files) {
  const path = join(SQL, rel);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote   lambdas/sql/${rel}`);
  written++;
}
let removed = 0;
for (const folder of GENERATED_FOLDERS) {
  if (!existsSync(join(SQL, folder))) continue;
  for (const f of readdirSync(join(SQL, folder))) {
    if (files.has(`${folder}/${f}`)) continue;
    rmSync(join(SQL, folder, f));
    console.log(`removed lambdas/sql/${folder}/${f}`);
    removed++;
  }
}
console.log(`${files.size} generated SQL files: ${written} written, ${removed} removed, ${files.size - written} unchanged.`);
