/**
 * The text of a file whose encoding is not announced. Korean CSV exports are often CP949 (what
 * Excel and many Korean portals write), not UTF-8; read as UTF-8 their labels become U+FFFD and
 * every status would be "unknown". Order: a UTF-8 or UTF-16 byte-order mark; else strict UTF-8;
 * else CP949 (WHATWG `euc-kr`, which is Windows-949); else a refusal naming the fix.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'cp949';

export class TextEncodingError extends Error {
  override readonly name = 'TextEncodingError';
}

export function decodeText(bytes: Uint8Array, file: string): { text: string; encoding: TextEncodingName } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: try the Korean Windows code page.
  }
  try {
    return { text: new TextDecoder('euc-kr', { fatal: true }).decode(bytes), encoding: 'cp949' };
  } catch {
    throw new TextEncodingError(`${file} is neither UTF-8 nor CP949 (EUC-KR) text: save it as UTF-8 CSV and import it again.`);
  }
}
