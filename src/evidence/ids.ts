import { randomBytes } from 'node:crypto';

/**
 * A run or session id that sorts by creation time and reads well in a terminal:
 * `run-20261128-011500-ab12`, `session-20261128-011500-3f9c` (UTC). The random suffix keeps ids unique
 * when many sessions start in the same second on many devices.
 */
export function newId(kind: 'run' | 'session', now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-28T01:15:00.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a run/session id may look like when it arrives from outside (CLI argument, bundle). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
