import type { Command } from 'commander';
import Table from 'cli-table3';
import { failure } from '../../errors.ts';
import { openStore, storeExists } from '../../evidence/store.ts';
import { SESSION_STATUSES, type SessionStatus, type StoredSession } from '../../evidence/types.ts';
import type { CliContext } from '../context.ts';

const plain = { style: { head: [], border: [] } };

function time(ms: number | null): string {
  return ms === null
    ? ''
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

function listTable(sessions: StoredSession[]): string {
  const t = new Table({ ...plain, head: ['session', 'status', 'target', 'scenario', 'device', 'started'] });
  for (const s of sessions) {
    t.push([s.id, s.status, s.target, s.scenario, `${s.device} (${s.deviceKind})`, time(s.startedAt)]);
  }
  return t.toString();
}

export function registerSessions(program: Command, ctx: CliContext): void {
  const sessions = program.command('sessions').description('List stored sessions and show one in detail');

  sessions
    .command('list')
    .description('List sessions in the data folder, newest first')
    .option('--run <id>', 'only sessions of this run')
    .option('--status <status>', `only sessions with this status (${SESSION_STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10))
    .option('--json', 'print JSON for scripts')
    .action(async (opts: { run?: string; status?: string; limit?: number; json?: boolean }) => {
      if (opts.status !== undefined && !(SESSION_STATUSES as readonly string[]).includes(opts.status)) {
        throw failure(
          'list',
          'sessions',
          `unknown status '${opts.status}'`,
          `Use one of ${SESSION_STATUSES.join(', ')}.`,
        );
      }
      if (opts.limit !== undefined && !(opts.limit > 0)) {
        throw failure('list', 'sessions', '--limit must be a positive number');
      }
      const dataDir = ctx.dataDir();
      let list: StoredSession[] = [];
      if (storeExists(dataDir)) {
        const store = openStore({ dataDir });
        try {
          list = store.listSessions({
            ...(opts.run !== undefined ? { run: opts.run } : {}),
            ...(opts.status !== undefined ? { status: opts.status as SessionStatus } : {}),
            ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
          });
        } finally {
          await store.close();
        }
      }
      if (opts.json) ctx.out(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) ctx.out(`No sessions in ${dataDir}.\n`);
      else ctx.out(`${listTable(list)}\n`);
    });

  sessions
    .command('show')
    .description('Show a session: status, target, device, capabilities, counts of evidence')
    .argument('<session>', 'session id')
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, opts: { json?: boolean }) => {
      const dataDir = ctx.dataDir();
      const missing = failure(
        'show',
        `session ${id}`,
        `no such session in ${dataDir}`,
        'List sessions with `appwarden sessions list`.',
      );
      if (!storeExists(dataDir)) throw missing;
      const store = openStore({ dataDir });
      try {
        const s = store.getSession(id);
        if (!s) throw missing;
        const counts = store.counts(id);
        const identity = store.getSessionIdentity(id) !== null;
        if (opts.json) {
          ctx.out(`${JSON.stringify({ session: s, counts, identity }, null, 2)}\n`);
          return;
        }
        const t = new Table(plain);
        const sources = Object.entries(counts.eventsBySource)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        t.push(
          { session: s.id },
          { run: s.run },
          { status: s.reason ? `${s.status} (${s.reason})` : s.status },
          { target: s.target },
          { scenario: s.scenario },
          { device: `${s.device} (${s.deviceKind})` },
          { capabilities: s.capabilities.join(', ') || 'none' },
          { started: time(s.startedAt) },
          { ended: time(s.endedAt) || '—' },
          { events: `${counts.events}${sources ? ` (${sources})` : ''}` },
          { flows: counts.flows },
          { 'API calls': counts.apiCalls },
          { 'UI snapshots': counts.uiSnapshots },
          { findings: counts.findings },
          { identity: identity ? 'stored' : 'none' },
        );
        ctx.out(`${t.toString()}\n`);
      } finally {
        await store.close();
      }
    });
}
