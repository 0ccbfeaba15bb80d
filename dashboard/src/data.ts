/**
 * Reads the published results (`./data/*.json`, typed by lambdas/contract/results.ts). Any file may
 * be missing — the analysis that writes it has not run yet — and views show an empty state for it.
 * When a manifest exists, files it does not list are treated as missing without a request, so a
 * partial publication causes no 404 noise in the browser console.
 */
import { CONTRACT_VERSION, RESULT_FILES, type Manifest } from '../../lambdas/contract/results';

export type Loaded<T> =
  | { status: 'ok'; data: T; file: string }
  | { status: 'missing'; file: string }
  | { status: 'error'; file: string; message: string };

/** Pseudonyms are hashes such as `c-3f9a1b2c4d5e`: anything else is never turned into a URL. */
const PSEUDONYM = /^[A-Za-z0-9_-]{1,64}$/;

export class DataSource {
  private readonly cache = new Map<string, Promise<Loaded<unknown>>>();
  private manifestPromise: Promise<Loaded<Manifest>> | null = null;

  constructor(private readonly base = './data/') {}

  manifest(): Promise<Loaded<Manifest>> {
    this.manifestPromise ??= this.fetchJson<Manifest>(RESULT_FILES.manifest);
    return this.manifestPromise;
  }

  /**
   * What a public, aggregates-only publication left out (manifest `publication`), or null when the
   * publication is complete (a private, signed-in dashboard or a local run).
   */
  async withheld(): Promise<string[] | null> {
    const m = await this.manifest();
    return m.status === 'ok' && m.data.publication?.access === 'public-aggregates' ? m.data.publication.withheld : null;
  }

  /** A contract warning when the publication is of another contract version, else null. */
  async versionWarning(): Promise<string | null> {
    const m = await this.manifest();
    if (m.status !== 'ok' || m.data.version === CONTRACT_VERSION) return null;
    return `The published data uses contract version ${String(m.data.version)}, this dashboard reads version ${CONTRACT_VERSION}: rebuild the dashboard (npm run build:dashboard) from the same commit as the pipeline.`;
  }

  async load<T>(file: string): Promise<Loaded<T>> {
    let p = this.cache.get(file);
    if (!p) {
      p = this.listed(file).then((listed) => (listed ? this.fetchJson<unknown>(file) : { status: 'missing' as const, file }));
      this.cache.set(file, p);
    }
    return p as Promise<Loaded<T>>;
  }

  /** The per-customer file; `knownIds` (from consumption.json) guards against guessing URLs. */
  async loadMeter<T>(pseudonym: string, knownIds: ReadonlySet<string>): Promise<Loaded<T>> {
    const file = PSEUDONYM.test(pseudonym) ? RESULT_FILES.meter(pseudonym) : `meters/(invalid id)`;
    if (!PSEUDONYM.test(pseudonym) || !knownIds.has(pseudonym)) return { status: 'missing', file };
    let p = this.cache.get(file);
    if (!p) this.cache.set(file, (p = this.fetchJson<unknown>(file)));
    return p as Promise<Loaded<T>>;
  }

  private async listed(file: string): Promise<boolean> {
    const m = await this.manifest();
    if (m.status !== 'ok') return true; // no manifest: ask for the file itself
    return m.data.files.includes(file);
  }

  private async fetchJson<T>(file: string): Promise<Loaded<T>> {
    let res: Response;
    try {
      // The default cache mode honours the server's `Cache-Control: no-cache` (revalidate every time)
      // and lets the browser reuse the <link rel=preload> responses of index.html.
      res = await fetch(this.base + file);
    } catch (e) {
      return { status: 'error', file, message: `Network error: ${(e as Error).message}. Check the connection and reload.` };
    }
    if (res.status === 404) return { status: 'missing', file };
    if (!res.ok) return { status: 'error', file, message: `The server answered HTTP ${res.status}. Reload; if it persists, check the hosting of data/.` };
    try {
      return { status: 'ok', file, data: (await res.json()) as T };
    } catch (e) {
      return { status: 'error', file, message: `It is not valid JSON (${(e as Error).message}). Re-run the publish step.` };
    }
  }
}
