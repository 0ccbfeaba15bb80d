/**
 * Customer ids are pseudonymised before anything leaves the warehouse for the dashboard: a keyed
 * hash (HMAC-SHA256 with a secret key held in Secrets Manager / the local data dir), so the mapping
 * is stable across runs but cannot be reversed or recomputed without the key.
 */
import { createHmac } from 'node:crypto';

export function pseudonymise(key: string, meterId: string): string {
  return keyedHash('c-', key, meterId);
}

/**
 * A household (building-floor-unit, e.g. 1910-0501) points at one flat and its family: the dashboard
 * shows it as a pseudonym too (`h-…`, from the same key, in its own namespace so it can never equal
 * a meter's). The building manager's alerts keep the flat number: that channel is the manager's.
 */
export function pseudonymiseHousehold(key: string, householdId: string): string {
  return keyedHash('h-', key, `household:${householdId}`);
}

function keyedHash(prefix: string, key: string, text: string): string {
  return prefix + createHmac('sha256', key).update(text).digest('hex').slice(0, 12);
}
