/**
 * Removes file names from a run's error before it is published: in an export a file is named after
 * its meter or customer (`SMITH, JOHN 0042.csv`), and the dashboard shows customers only as
 * pseudonyms. Names may hold any character (commas, spaces, quotes, non-ASCII), so they are not
 * found by a pattern but by value: the load writes each unreadable file as `<key>: <its error>`, and
 * every error of a file (RawFileRejected) starts with the key again, so a key is the text that is
 * repeated after `: ` ({@link fileKeysNamedIn}; no listing of the lake, which the analyze function may
 * not read). Each such key, the file's path inside the run, its name and its name without extension
 * are replaced wherever they appear. Any other key is cut by the message grammar: a key runs up to
 * the text that follows keys in our messages (`: `, ` line N: `, ` is not a `, ` has both `, ` | `) or
 * the end.
 */
const PLACEHOLDER = '[a file of this run: see etl_runs.error]';

/** `fileKeys`: the object keys of the run (raw files), whose names must not be shown. */
export function redactFileNames(error: string, fileKeys: readonly string[]): string {
  let out = error;
  const names = new Set<string>();
  for (const key of fileKeys) {
    names.add(key);
    const inRun = key.replace(/^raw\/source=[^/]+\/dt=[^/]+\/run=[^/]+\//, '');
    names.add(inRun);
    // imp-<id>/consumption/3000.csv → consumption/3000.csv, 3000.csv, 3000
    const parts = inRun.split('/');
    for (let i = 1; i < parts.length; i++) names.add(parts.slice(i).join('/'));
    const base = parts[parts.length - 1]!;
    const stem = base.replace(/(\.[A-Za-z0-9]+)+$/, '');
    if (stem.length >= 3) names.add(stem);
  }
  // Longest first, so a key is replaced whole before its name alone is looked for.
  for (const name of [...names].filter((n) => n.length > 0).sort((a, b) => b.length - a.length)) {
    out = replaceWhole(out, name);
  }
  return out.replace(/\b(raw|landing|curated|quarantine)\/.*?(?=: | line \d+: | is not a | has both | \| |$)/g, PLACEHOLDER);
}

/** Object keys the error names as `<key>: <key>…` (the load's `<key>: <error>` of a RawFileRejected). */
export function fileKeysNamedIn(error: string): string[] {
  const keys = new Set<string>();
  for (const m of error.matchAll(/(?:^|[ |])((?:raw|landing)\/.+?): \1(?= line \d+: |: | is not a | has both |$)/gs)) keys.add(m[1]!);
  return [...keys];
}

/** Replaces `name` where it is not part of a longer word (a meter id 3000 inside 13000 stays). */
function replaceWhole(text: string, name: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    if (at < from) continue;
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before && /[\p{L}\p{N}]/u.test(before) && /^[\p{L}\p{N}]/u.test(name)) || (after && /[\p{L}\p{N}]/u.test(after) && /[\p{L}\p{N}]$/u.test(name))) continue;
    out += text.slice(from, at) + PLACEHOLDER;
    from = at + name.length;
  }
  return out + text.slice(from);
}
