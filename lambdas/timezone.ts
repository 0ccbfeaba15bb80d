/**
 * One rule for every timezone a person types (the configuration, `gridlake import --timezone`): an
 * IANA tz database name of the form Area/Location (Europe/London, Asia/Tokyo,
 * America/Argentina/Buenos_Aires, Etc/GMT+5) or UTC, known to the runtime. Abbreviations such as
 * EST, CST or CET are refused: they are ambiguous, or not what people mean (EST is a fixed −05:00
 * with no summer time). Case is forgiven and the name comes back spelled as the database spells it,
 * because DuckDB (ICU), which computes local days downstream, matches names exactly.
 */
let canonical: Map<string, string> | undefined;

function canonicalNames(): Map<string, string> {
  canonical ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  return canonical;
}

/** The name spelled as the tz database spells it, or null when it is not a usable IANA timezone. */
export function ianaTimezone(name: string): string | null {
  const tz = name.trim();
  if (tz.toUpperCase() === 'UTC') return 'UTC';
  if (!tz.includes('/')) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // Spelled with capitals: as typed (an alias such as Asia/Kolkata stays Asia/Kolkata). All lower or
  // upper case: the database's spelling of that name, else of the zone it stands for.
  if (tz !== tz.toLowerCase() && tz !== tz.toUpperCase()) return tz;
  return canonicalNames().get(tz.toLowerCase()) ?? resolved;
}
