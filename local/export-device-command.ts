/**
 * `gridlake export device ID [--date D]`: prints a device file (exports/devices/<ID>/<date>.txt,
 * written by the flow analysis) from the local lake, byte for byte — what the device downloads.
 * Without --date, the newest. When it is not there, the error says what is: the devices with files,
 * or the dates this device has.
 */
import { listKeys } from '../lambdas/ports/object-store';
import { LocalFolderStore } from '../lambdas/ports/local-folder-store';
import { localPaths } from '../lambdas/ports/local-paths';

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

const PREFIX = 'exports/devices/';
const SHOWN = 12;
const list = (items: string[]) => items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? `, … (${items.length - SHOWN} more)` : '');

export async function exportDeviceCommand(o: { dataDir: string; deviceId: string; date?: string; write?: (text: string) => void }): Promise<number> {
  const lake = new LocalFolderStore(localPaths(o.dataDir).lake);
  const keys = await listKeys(lake, `${PREFIX}${o.deviceId}/`);
  const dates = keys.map((k) => /\/(\d{4}-\d{2}-\d{2})\.txt$/.exec(k)?.[1]).filter((d): d is string => d !== undefined).sort();
  if (dates.length === 0) {
    const devices = [...new Set((await listKeys(lake, PREFIX)).map((k) => k.slice(PREFIX.length).split('/')[0]!))].sort();
    throw new ExportError(
      devices.length
        ? `No device file for "${o.deviceId}" in ${o.dataDir}. Devices with files: ${list(devices)}.`
        : `No device files in ${o.dataDir} yet: a run with flow sensors writes them (npx gridlake run --sources flow-sensors).`,
    );
  }
  const date = o.date ?? dates.at(-1)!;
  if (!dates.includes(date)) throw new ExportError(`Device ${o.deviceId} has no file for ${date}. Its files: ${list([...dates].reverse())} (newest first).`);
  const body = await lake.get(`${PREFIX}${o.deviceId}/${date}.txt`);
  (o.write ?? ((t) => process.stdout.write(t)))(new TextDecoder().decode(body));
  return 0;
}
