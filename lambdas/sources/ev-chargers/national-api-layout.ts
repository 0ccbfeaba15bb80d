/**
 * The national EV charger-status API layout (Korea Environment Corporation on data.go.kr,
 * `B552584/EvCharger/getChargerStatus`, `dataType=JSON`): one item per charger keyed by
 * `statId` + `chgerId`, `stat` the national status code, times `YYYYMMDDHHMMSS` in Korea time.
 *
 * The envelope comes flat (`{resultCode, resultMsg, totalCount, pageNo, numOfRows, items: {item: [...]}}`)
 * or wrapped as data.go.kr's standard (`{response: {header: {resultCode, resultMsg}, body: {...}}}`);
 * `items.item` may be one object instead of a list (an XML-to-JSON conversion of a one-row page) and
 * is absent or `""` on an empty page. data.go.kr's gateway answers quota and key errors with an XML
 * body and HTTP 200; that is an error here, named, never an empty page.
 *
 * Paging: `pageNo/numOfRows` (page p of n rows) or the older `startNum/endNum` (rows
 * (p−1)·n+1 … p·n, both inclusive). Either reads the same windows.
 */
import { z } from 'zod';

export type PagingStyle = 'pageNo' | 'startNum';

/** The query parameters of page `page` of `size` rows. */
export function pageParams(style: PagingStyle, page: number, size: number): Record<string, string> {
  if (style === 'pageNo') return { pageNo: String(page), numOfRows: String(size) };
  return { startNum: String((page - 1) * size + 1), endNum: String(page * size) };
}

const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

export const StatusItemSchema = z.looseObject({
  statId: text.pipe(z.string().min(1, 'statId is empty')),
  chgerId: text.pipe(z.string().min(1, 'chgerId is empty')),
  stat: text,
  statUpdDt: text.optional(),
  lastTsdt: text.optional(),
  lastTedt: text.optional(),
  nowTsdt: text.optional(),
  busiId: text.optional(),
});
export type StatusItem = z.infer<typeof StatusItemSchema>;

const Items = z
  .union([z.object({ item: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional() }), z.literal(''), z.array(z.unknown()), z.null()])
  .optional();

const Body = z.looseObject({
  totalCount: z.coerce.number().int().nonnegative(),
  items: Items,
});
const Flat = Body.extend({ resultCode: text, resultMsg: text.optional() });
const Wrapped = z.object({ response: z.object({ header: z.object({ resultCode: text, resultMsg: text.optional() }), body: Body.optional() }) });

export interface ParsedPage {
  totalCount: number;
  /** Raw items (validated one by one by the caller, so one bad item does not hide the page). */
  items: unknown[];
}

/** A 2xx body that is not a page: the message says what it was. */
export class NationalApiBodyError extends Error {
  override readonly name = 'NationalApiBodyError';
  constructor(readonly problem: string, readonly retryable: boolean) {
    super(problem);
  }
}

export function parsePageBody(bodyText: string): ParsedPage {
  const trimmed = bodyText.trim();
  if (trimmed.startsWith('<')) {
    // The gateway's XML error: <returnAuthMsg>LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR</returnAuthMsg> …
    const auth = /<returnAuthMsg>([^<]*)</.exec(trimmed)?.[1] ?? /<resultMsg>([^<]*)</.exec(trimmed)?.[1] ?? 'an XML body';
    const code = /<returnReasonCode>([^<]*)</.exec(trimmed)?.[1] ?? /<resultCode>([^<]*)</.exec(trimmed)?.[1] ?? '?';
    // 22: daily quota exhausted — retrying today does not help.
    throw new NationalApiBodyError(`the API answered with XML, not JSON: ${auth} (code ${code}); ask for dataType=JSON and check the service key and its quota`, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (e) {
    // A body cut off in transit (a proxy closing early) parses as nothing: worth another request.
    throw new NationalApiBodyError(`body is not complete JSON (${(e as Error).message}); ${bodyText.length} bytes received`, true);
  }
  const wrapped = Wrapped.safeParse(json);
  const flat = wrapped.success ? null : Flat.safeParse(json);
  if (!wrapped.success && !flat!.success) {
    throw new NationalApiBodyError(`body is not the charger-status layout: ${describe(flat!.error)}`, false);
  }
  const resultCode = wrapped.success ? wrapped.data.response.header.resultCode : flat!.data!.resultCode;
  const resultMsg = wrapped.success ? wrapped.data.response.header.resultMsg : flat!.data!.resultMsg;
  if (resultCode !== '00') throw new NationalApiBodyError(`resultCode ${resultCode} (${resultMsg ?? 'no message'}), expected 00`, false);
  const body = wrapped.success ? wrapped.data.response.body : flat!.data!;
  if (!body) throw new NationalApiBodyError('resultCode 00 but the body has no totalCount', false);
  return { totalCount: body.totalCount, items: itemsOf(body.items) };
}

function itemsOf(items: z.infer<typeof Items>): unknown[] {
  if (items === undefined || items === null || items === '') return [];
  if (Array.isArray(items)) return items;
  if (items.item === undefined) return [];
  return Array.isArray(items.item) ? items.item : [items.item];
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
