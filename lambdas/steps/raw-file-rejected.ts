/**
 * The one error every source throws for a raw file it cannot read as a whole (not a meter CSV, an
 * unreadable header, a file DuckDB's reader fails on, JSON lines that are not JSON, a limit
 * exceeded). The workflow catches it by this name (statemachines/etl.asl.json, TransformBatch →
 * BatchRejected): only that file's batch fails, the other files and sources of the date still load,
 * and the run fails naming the file, the line and what to do.
 */
export class RawFileRejected extends Error {
  override readonly name = 'RawFileRejected';
  constructor(
    readonly file: string,
    /** The line of the file where the problem is (1-based, header = 1), when known. */
    readonly line: number | null,
    /** What is wrong and what to do; without the file and line, which are put before it. */
    problemAndFix: string,
    options?: ErrorOptions & { messageNamesFile?: boolean },
  ) {
    super(options?.messageNamesFile ? problemAndFix : `${file}${line ? ` line ${line}` : ''}: ${problemAndFix}`, options);
  }

  /** A source-specific error that already names the file (e.g. NotAMeterCsvError), under this name. */
  static from(file: string, line: number | null, e: Error): RawFileRejected {
    return new RawFileRejected(file, line, e.message, { cause: e, messageNamesFile: true });
  }
}

/**
 * DuckDB errors about the input's bytes (its reader's "Invalid Input Error", a conversion of a value
 * it read), as opposed to errors in our SQL (Binder, Catalog, Parser errors), which are bugs and
 * must fail the run as such.
 */
export function isInputError(e: unknown): boolean {
  const message = e instanceof Error ? e.message : String(e);
  return /^(Invalid Input Error|Conversion Error|Invalid Error)|CSV|JSON|UTF-?8|unicode/i.test(message) && !/^(Binder|Catalog|Parser) Error/.test(message);
}

/** The line a DuckDB reader error points at ("Line: 51", "at line 51"), if any. */
export function lineOfInputError(e: unknown): number | null {
  const m = /\bline:?\s*(\d+)/i.exec(e instanceof Error ? e.message : String(e));
  return m ? Number(m[1]) : null;
}
