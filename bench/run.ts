/**
 * `npm run bench`: every performance figure of the product in one run, printed as a table with the
 * goal beside it. Each section is optional: a section whose module is missing is reported, not fatal.
 */
type Bench = () => Promise<Record<string, number | string>>;

const sections: [string, () => Promise<Bench>][] = [
  ['transform', async () => (await import('./transform')).benchTransform],
  ['end to end', async () => (await import('./e2e')).benchEndToEnd],
  ['real dataset (smap)', async () => (await import('./e2e')).benchSmapImport],
  ['analyze', async () => (await import('./analyze')).benchAnalyze],
  ['flow', async () => (await import('./flow')).benchFlow as Bench],
  ['utility-day', async () => async () => (await import('./utility-day')).benchUtilityDay(process.argv.slice(2))],
  ['cli start-up', async () => (await import('./cli')).benchCli],
  ['lambda bundles', async () => (await import('./bundles')).benchBundles],
  ['dashboard', async () => (await import('./dashboard')).benchDashboard as Bench],
];

async function main(): Promise<void> {
  // Section names; `--flag value` pairs are a section's own options (utility-day: --meters N).
  const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1]?.startsWith('--') && /^\d/.test(a)));
  for (const [name, load] of sections) {
    if (only.length && !only.some((o) => name.includes(o))) continue;
    console.log(`\n## ${name}`);
    const t0 = Date.now();
    try {
      const figures = await (await load())();
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(58)} ${v}`);
    } catch (e) {
      console.log(`  failed: ${(e as Error).message}`);
      process.exitCode = 1;
    }
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  }
}

void main();
