import fs from 'node:fs';
import path from 'node:path';
import { log } from '../log.ts';
import type { Db } from './db.ts';
import { isAlive } from './process.ts';

/**
 * Sessions left `running` by a process that died (kill -9, power cut, OOM) are marked `incomplete` when
 * the store is opened next. While any other process has the store open (a run recording into it, or
 * `appwarden sessions list` during a run), its running sessions may be live, so they are left alone.
 * Every process with the store open keeps a file `evidence.open/<pid>`; files of dead pids are stale.
 */
const OPEN_DIR = 'evidence.open';
const INTERRUPTED = 'interrupted: the recording process ended before the session finished';

/** Stores opened in this process, by data folder: the first one registers and recovers, the rest share it. */
const openHere = new Map<string, number>();

/** Pids of other live processes that have the store open; removes the files of dead ones. */
function otherOpeners(dir: string): number[] {
  const live: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) {
      live.push(pid);
    } else {
      log.debug({ name }, 'removing the open-marker of a process that is gone');
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
  return live;
}

export function recoverInterrupted(db: Db, dataDir: string): void {
  const here = openHere.get(dataDir) ?? 0;
  openHere.set(dataDir, here + 1);
  if (here > 0) return;
  const dir = path.join(dataDir, OPEN_DIR);
  fs.mkdirSync(dir, { recursive: true });
  // Register first, then look: two processes opening at once both see each other and neither recovers.
  fs.writeFileSync(path.join(dir, String(process.pid)), '');
  const others = otherOpeners(dir);
  if (others.length > 0) {
    log.debug({ others }, 'evidence store is open in other processes; leaving running sessions alone');
    return;
  }
  const marked = db
    .transaction(() => {
      const sessions = db
        .prepare(
          `UPDATE sessions SET status = 'incomplete', reason = coalesce(reason, ?),
             ended_at = coalesce((SELECT max(wall) FROM events e WHERE e.sk = sessions.sk), started_at)
           WHERE status = 'running'`,
        )
        .run(INTERRUPTED).changes;
      db.prepare(`UPDATE runs SET status = 'incomplete', ended_at = ? WHERE status = 'running'`).run(
        Date.now(),
      );
      return sessions;
    })
    .immediate();
  if (marked > 0) log.info({ sessions: marked }, 'marked interrupted sessions incomplete');
}

export function releaseOwnership(_db: Db, dataDir: string): void {
  const here = (openHere.get(dataDir) ?? 1) - 1;
  if (here > 0) {
    openHere.set(dataDir, here);
    return;
  }
  openHere.delete(dataDir);
  fs.rmSync(path.join(dataDir, OPEN_DIR, String(process.pid)), { force: true });
}
