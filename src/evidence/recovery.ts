import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log.ts';
import type { Db } from './db.ts';
import { isAlive } from './process.ts';

/**
 * Sessions left `running` by a process that died (kill -9, power cut, OOM) are marked `incomplete` when
 * the store is opened next. A store opened while the recording process is still alive (e.g. `appwarden
 * sessions list` during a run) must not do that, so the process that recovers also records itself as the
 * owner in `evidence.owner`; others leave the running sessions alone while that process lives.
 */
const OWNER_FILE = 'evidence.owner';
const INTERRUPTED = 'interrupted: the recording process ended before the session finished';

/** Stores opened in this process, by data folder: the first one recovers, the rest share ownership. */
const openHere = new Map<string, number>();

function readOwner(dataDir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.debug({ err }, 'cannot read evidence owner file');
    return null;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

export function recoverInterrupted(db: Db, dataDir: string): void {
  const here = openHere.get(dataDir) ?? 0;
  openHere.set(dataDir, here + 1);
  if (here > 0) return;
  const owner = readOwner(dataDir);
  if (owner !== null && owner !== process.pid && isAlive(owner)) {
    log.debug({ owner }, 'evidence store is in use by a live process; leaving its running sessions alone');
    return;
  }
  const marked = db
    .transaction(() => {
      const now = Date.now();
      const sessions = db
        .prepare(
          `UPDATE sessions SET status = 'incomplete', reason = coalesce(reason, ?),
           ended_at = coalesce((SELECT max(wall) FROM events e WHERE e.sk = sessions.sk), started_at)
         WHERE status = 'running'`,
        )
        .run(INTERRUPTED).changes;
      db.prepare(`UPDATE runs SET status = 'incomplete', ended_at = ? WHERE status = 'running'`).run(now);
      return sessions;
    })
    .immediate();
  if (marked > 0) log.info({ sessions: marked }, 'marked interrupted sessions incomplete');
  fs.writeFileSync(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
}

export function releaseOwnership(_db: Db, dataDir: string): void {
  const here = (openHere.get(dataDir) ?? 1) - 1;
  if (here > 0) {
    openHere.set(dataDir, here);
    return;
  }
  openHere.delete(dataDir);
  if (readOwner(dataDir) === process.pid) fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
}
