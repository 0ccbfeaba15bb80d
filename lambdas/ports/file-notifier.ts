/**
 * Local notifier: appends each notification as a JSON line to a file under the data dir and logs a
 * one-line summary, the local stand-in for SNS / Slack.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Notification, Notifier } from './notifier';

export class FileNotifier implements Notifier {
  constructor(
    readonly path: string,
    private readonly echo: (line: string) => void = () => undefined,
  ) {}

  async notify(n: Notification): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, JSON.stringify({ at: new Date().toISOString(), ...n }) + '\n');
    this.echo(`[${n.severity}] ${n.title}`);
  }
}
