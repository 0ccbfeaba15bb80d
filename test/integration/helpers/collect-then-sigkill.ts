/**
 * Child process for the crash tests: runs the meters collect of one date against a local data dir
 * and kills itself with SIGKILL (no cleanup, no finally, no flush: what a Lambda timeout or an OOM
 * kill does) right after its Nth write or delete to the lake.
 *   node --import tsx collect-then-sigkill.ts <dataDir> <date> <runId> <killAfter>
 */
import { parseConfig } from '../../../lambdas/config';
import { localPorts } from '../../../lambdas/ports/local-ports';
import type { ObjectStore } from '../../../lambdas/ports/object-store';
import { collectMeters } from '../../../lambdas/sources/meters/collect';
import { silentLog } from '../../../lambdas/steps/ports';

const [dataDir, date, runId, killAfterText] = process.argv.slice(2);
const killAfter = Number(killAfterText);

function killingStore(inner: ObjectStore): ObjectStore {
  let writes = 0;
  const counted =
    <A extends unknown[]>(f: (...a: A) => Promise<void>) =>
    async (...a: A) => {
      await f(...a);
      if (++writes >= killAfter) process.kill(process.pid, 'SIGKILL');
    };
  return {
    location: inner.location,
    put: counted(inner.put.bind(inner)),
    putFile: counted(inner.putFile.bind(inner)),
    delete: counted(inner.delete.bind(inner)),
    get: inner.get.bind(inner),
    getFile: inner.getFile.bind(inner),
    list: inner.list.bind(inner),
    exists: inner.exists.bind(inner),
  };
}

async function main(): Promise<void> {
  const ports = await localPorts({ dataDir: dataDir!, config: parseConfig({}), log: silentLog });
  await collectMeters({ runId: runId!, date: date!, source: 'meters' }, { ...ports, lake: killingStore(ports.lake) });
  process.stdout.write('collect finished without being killed\n');
  process.exit(0);
}
void main();
