/** A tiny element builder: the dashboard has no framework, and this keeps view code declarative. */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/**
 * A message shown where there is no data to show, telling why: the file is not published yet (run
 * the pipeline), or it is published but empty (`why`: e.g. not enough history yet).
 */
export function emptyState(what: string, file: string, why?: string): HTMLElement {
  return h(
    'div',
    { class: 'empty', 'data-empty': file },
    h('p', {}, h('strong', {}, `No ${what} yet.`)),
    why
      ? h('p', {}, why)
      : h('p', {}, `The file data/${file} has not been published. Run the pipeline (`, h('code', {}, 'gridlake run'), `) to produce it.`),
  );
}

/**
 * Where a per-customer view would be on a public, aggregates-only dashboard: says it is left out on
 * purpose and why, so nobody takes it for missing data.
 */
export function withheldState(what: string, withheld: string[]): HTMLElement {
  return h(
    'div',
    { class: 'empty', role: 'note', 'data-withheld': what },
    h('p', {}, h('strong', {}, `${what}: not published on this public dashboard.`)),
    h(
      'p',
      {},
      'Anyone can open this page, and the consumption of a single household is personal data even under a pseudonym, so this stage publishes fleet, area and building aggregates only. ',
      'Signed-in stakeholders see the per-customer views on the private dashboard.',
    ),
    h('p', {}, `Left out: ${withheld.join('; ')}.`),
  );
}

export function errorState(file: string, message: string): HTMLElement {
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-error': file },
    h('p', {}, h('strong', {}, `data/${file} could not be read.`)),
    h('p', {}, message),
  );
}

/**
 * A horizontally scrollable, keyboard-focusable table wrapper (phones; axe's scrollable-region rule),
 * with a "Download CSV" button below it: every table of the dashboard can be taken to a spreadsheet.
 * `csv` gives the rows to export when the table shows only part of them (e.g. the first 200).
 */
export function tableWrap(label: string, table: HTMLTableElement, csv?: () => string[][]): HTMLElement {
  stackOnPhone(table);
  const button = h('button', { type: 'button', class: 'csv-download', 'data-csv': label }, 'Download CSV');
  button.addEventListener('click', () => downloadCsv(`${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'table'}.csv`, csv ? csv() : tableRows(table)));
  return h('div', { class: 'table-block' }, h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label }, table), button);
}

/**
 * Lets a table reflow into one card per row on a phone (styles.css, `table.stack`): each body cell
 * gets its column's header as `data-label`, shown before the value once the header row is hidden,
 * so no column ends up behind a sideways scroll. The anomaly list has its own card layout.
 */
export function stackOnPhone(table: HTMLTableElement): void {
  if (table.id === 'anomaly-table') return;
  const labels = [...table.querySelectorAll('thead tr:last-child th')].map(cellText);
  if (!labels.length) return;
  table.classList.add('stack');
  for (const tr of table.querySelectorAll('tbody tr')) {
    [...tr.children].forEach((cell, i) => {
      if (labels[i] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', labels[i]!);
    });
  }
}

/** A cell's text, without its aria-hidden parts (sort arrows and the like). */
function cellText(cell: Element): string {
  return [...cell.childNodes].map((n) => (n instanceof HTMLElement && n.getAttribute('aria-hidden') === 'true' ? '' : (n.textContent ?? ''))).join('').trim();
}

/** The header and body cells of a table as text (sort arrows and the like are aria-hidden and left out). */
export function tableRows(table: HTMLTableElement): string[][] {
  return [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map(cellText));
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(rows: string[][]): string {
  return rows.map((r) => r.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') + '\r\n';
}

function downloadCsv(name: string, rows: string[][]): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function simpleTable(
  caption: string,
  columns: string[],
  rows: (string | number | null)[][],
  numeric: boolean[] = [],
): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, c)))),
    h(
      'tbody',
      {},
      rows.map((r) => h('tr', {}, r.map((v, i) => h('td', { class: numeric[i] ? 'num' : null }, v === null ? '—' : String(v))))),
    ),
  );
}

export function kpi(label: string, value: string, note?: string | Node, attrs: Attrs = {}): HTMLElement {
  return h('div', { class: 'kpi', ...attrs }, h('dt', {}, label), h('dd', {}, h('span', { class: 'kpi-value' }, value), note ? h('span', { class: 'kpi-note' }, note) : null));
}

/** A labelled <select> whose change calls back with the new value. */
export function selectField(
  label: string,
  name: string,
  options: { value: string; label: string }[],
  value: string,
  onChange: (v: string) => void,
): HTMLElement {
  const select = h(
    'select',
    { name, id: `f-${name}`, onchange: ((e: Event) => onChange((e.target as HTMLSelectElement).value)) as EventListener },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
  );
  return h('label', { class: 'field', for: `f-${name}` }, h('span', {}, label), select);
}
