/**
 * Noise that is smooth in time and continuous across midnight, yet computed one day at a time:
 * standard-normal values at fixed knots of absolute time (every `spacingMs`, keyed by seed, stream,
 * device and knot number), joined by cosine interpolation. A day simulated on its own therefore
 * meets the next day exactly where that one starts — no step at midnight that a detector would
 * (rightly) call an anomaly — and no day depends on having simulated the one before.
 */
import { seeded } from '../random';

export function smoothNoise(seed: number, stream: string, deviceId: string, startMs: number, count: number, stepMs: number, spacingMs: number): Float64Array {
  const out = new Float64Array(count);
  const knot = (k: number) => seeded(seed, stream, deviceId, k).normal();
  let k0 = Math.floor(startMs / spacingMs);
  let a = knot(k0);
  let b = knot(k0 + 1);
  for (let i = 0; i < count; i++) {
    const t = startMs + i * stepMs;
    const k = Math.floor(t / spacingMs);
    if (k !== k0) {
      a = k === k0 + 1 ? b : knot(k);
      b = knot(k + 1);
      k0 = k;
    }
    const w = (1 - Math.cos((Math.PI * (t - k * spacingMs)) / spacingMs)) / 2;
    out[i] = a + w * (b - a);
  }
  return out;
}
