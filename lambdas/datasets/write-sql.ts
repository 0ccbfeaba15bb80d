/**
 * The statements that write a dataset's staged rows (stg_<name>, unique on the natural key) into its
 * table, one list per disposition, derived from the declaration:
 * - merge: one portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+) — one WHEN MATCHED, one WHEN NOT
 *   MATCHED, the target referenced by name (Redshift has no target alias);
 * - append: INSERT … SELECT of every staged row;
 * - replace: DELETE the table (or the partitions the staged rows hold), then the same INSERT.
 * Each statement is one string: the Redshift Data API runs one statement per call.
 */
import type { DatasetDeclaration } from './dataset';
import { columnNames } from './dataset';

export function writeStatements(d: DatasetDeclaration): string[] {
  const disposition = d.disposition ?? { kind: 'merge' };
  switch (disposition.kind) {
    case 'merge':
      return [mergeSql(d)];
    case 'append':
      return [insertSql(d, `Append the staged rows of ${d.name}: rows already loaded with the same key are kept (disposition append).`)];
    case 'replace':
      return [
        disposition.partitionBy
          ? `-- Replace the ${disposition.partitionBy} partitions of ${d.name} that the staged rows hold (disposition replace):\n` +
            `-- first delete them, then insert the staged rows.\n` +
            `DELETE FROM ${d.name}\nWHERE ${disposition.partitionBy} IN (SELECT DISTINCT ${disposition.partitionBy} FROM stg_${d.name});\n`
          : `-- Replace every row of ${d.name} with the staged rows (disposition replace): first delete, then insert.\nDELETE FROM ${d.name};\n`,
        insertSql(d, `Insert the staged rows of ${d.name} after the delete above (disposition replace).`),
      ];
  }
}

/** The MERGE of a merge dataset: upsert by the natural key. */
export function mergeSql(d: DatasetDeclaration): string {
  const t = d.name;
  const columns = columnNames(d);
  const key = d.naturalKey;
  // A table made only of its key has nothing to update: setting a key column to itself keeps the
  // one WHEN MATCHED clause every engine's MERGE grammar expects.
  const update = columns.filter((c) => !key.includes(c));
  const set = (update.length ? update : [key[0]!]).map((c) => `  ${c} = s.${c}`).join(',\n');
  const newestBy = d.disposition?.kind === 'merge' ? d.disposition.newestBy : undefined;
  const staged = newestBy
    ? `-- the target is referenced by name (Redshift has no target alias). stg_${t} holds unique keys,\n` +
      `-- and no row older (${newestBy}) than the target's version of it: the load removed those from staging,\n` +
      `-- as Redshift's MERGE takes no condition on WHEN MATCHED.\n`
    : `-- the target is referenced by name (Redshift has no target alias). stg_${t} holds unique keys.\n`;
  return (
    `-- Upsert the deduplicated staging rows of ${t} by its natural key (${key.join(', ')}).\n` +
    `-- Portable MERGE (Redshift, Postgres 15+, DuckDB 1.4+): one WHEN MATCHED, one WHEN NOT MATCHED;\n` +
    staged +
    `MERGE INTO ${t}\n` +
    `USING stg_${t} s\n` +
    `ON ${key.map((k) => `${t}.${k} = s.${k}`).join(' AND ')}\n` +
    `WHEN MATCHED THEN UPDATE SET\n${set}\n` +
    `WHEN NOT MATCHED THEN INSERT (${columns.join(', ')})\n` +
    `VALUES (${columns.map((c) => `s.${c}`).join(', ')});\n`
  );
}

function insertSql(d: DatasetDeclaration, why: string): string {
  const columns = columnNames(d).join(', ');
  return `-- ${why}\nINSERT INTO ${d.name} (${columns})\nSELECT ${columns}\nFROM stg_${d.name};\n`;
}
