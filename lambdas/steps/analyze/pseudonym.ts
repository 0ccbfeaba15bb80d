/**
 * Customer ids are pseudonymised before anything leaves the warehouse for the dashboard: a keyed
 * hash (HMAC-SHA256 with a secret key held in Secrets Manager / the local data dir), so the mapping
 * is stable across runs but cannot be reversed or recomputed without the key.
 */
import { createHmac } from 'node:crypto';

export function pseudonymise(key: string, meterId: string): string {
  return 'c-' + createHmac('sha256', key).update(meterId).digest('hex').slice(0, 12);
}
