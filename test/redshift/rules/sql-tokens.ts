/**
 * A small SQL lexer for the Redshift rule checks: enough to tell comments, string literals, quoted
 * identifiers, `:name` parameters, words and punctuation apart, and to split a text into statements.
 * The grammar itself is sqlfluff's job (../sqlfluff.ts); these rules check what no parser sees.
 */
export type TokenKind = 'comment' | 'string' | 'quoted' | 'param' | 'word' | 'number' | 'punct' | 'cast';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line of the token's first character. */
  line: number;
  /** Parenthesis depth at the token (a `(` has the depth outside it). */
  depth: number;
}

export interface Finding {
  rule: string;
  line: number;
  message: string;
}

/** A rule: one documented Redshift restriction, checked on one statement's tokens. */
export interface SqlRule {
  id: string;
  /** The AWS documentation page the restriction comes from. */
  source: string;
  check(statement: Token[]): Finding[];
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let depth = 0;
  const push = (kind: TokenKind, end: number) => {
    const text = sql.slice(i, end);
    if (kind === 'punct' && text === ')') depth = Math.max(0, depth - 1);
    tokens.push({ kind, text, line, depth });
    if (kind === 'punct' && text === '(') depth++;
    line += text.split('\n').length - 1;
    i = end;
  };
  const until = (close: string, from: number) => {
    const at = sql.indexOf(close, from);
    return at < 0 ? sql.length : at + close.length;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const rest = sql.slice(i);
    if (/\s/.test(ch)) {
      if (ch === '\n') line++;
      i++;
    } else if (rest.startsWith('--')) push('comment', sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i));
    else if (rest.startsWith('/*')) push('comment', until('*/', i + 2));
    else if (ch === "'") {
      // '' inside a literal is an escaped quote: keep reading.
      let end = i + 1;
      for (;;) {
        end = until("'", end);
        if (sql[end] === "'") end++;
        else break;
      }
      push('string', end);
    } else if (ch === '"') push('quoted', until('"', i + 1));
    else if (rest.startsWith('::')) push('cast', i + 2);
    else if (ch === ':' && /^:[A-Za-z_]\w*/.test(rest)) push('param', i + /^:[A-Za-z_]\w*/.exec(rest)![0].length);
    else if (/[A-Za-z_]/.test(ch)) push('word', i + /^[A-Za-z_][\w$]*/.exec(rest)![0].length);
    else if (/[0-9]/.test(ch)) push('number', i + /^[0-9][0-9.eE]*/.exec(rest)![0].length);
    else push('punct', i + 1);
  }
  return tokens;
}

/** Statements at the top level, split at `;` (comments stay with the statement they precede). */
export function statements(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === ';' && t.depth === 0) out.push([]);
    else out.at(-1)!.push(t);
  }
  return out.filter((s) => s.some((t) => t.kind !== 'comment'));
}

/** The tokens without comments. */
export function code(statement: Token[]): Token[] {
  return statement.filter((t) => t.kind !== 'comment');
}

export const isWord = (t: Token | undefined, ...words: string[]): boolean =>
  t?.kind === 'word' && words.includes(t.text.toUpperCase());
