import type { Row } from '../../device/content.ts';
import { NAME_MIME, PHONE_MIME } from '../../device/content.ts';
import type { CommandContext, ShellCommand } from '../types.ts';

/**
 * `content insert|query|delete --uri … --bind col:type:value` for the providers honey data uses.
 * Output as Android's ContentCommand prints it (`Row: 0 _id=1, …`).
 */

function parseBinds(args: string[]): { uri?: string; values: Row; projection?: string[]; where?: string } {
  const values: Row = {};
  let uri: string | undefined;
  let projection: string[] | undefined;
  let where: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--uri') uri = args[++i];
    else if (a === '--projection') projection = (args[++i] ?? '').split(':');
    else if (a === '--where') where = args[++i];
    else if (a === '--bind') {
      const m = /^([^:]+):([sbilfdn]):?(.*)$/s.exec(args[++i] ?? '');
      if (!m) continue;
      const [, col, type, raw] = m as unknown as [string, string, string, string];
      values[col] = type === 'n' ? null : ['i', 'l', 'f', 'd'].includes(type) ? Number(raw) : raw;
    }
  }
  return { uri, values, projection, where };
}

function table(ctx: CommandContext, uri: string): { rows: Row[]; insert(values: Row): number } | undefined {
  const c = ctx.device.content;
  const u = uri.replace(/\/+$/, '');
  if (u === 'content://com.android.contacts/raw_contacts')
    return { rows: c.rawContacts, insert: (v) => c.insertRawContact(v) };
  if (u === 'content://com.android.contacts/data') return { rows: c.data, insert: (v) => c.insertData(v) };
  if (u === 'content://contacts/people' || u === 'content://com.android.contacts/contacts') {
    // The legacy provider takes name and number in one row; store it the modern way.
    return {
      rows: c.contacts().map((p, i) => ({ _id: i + 1, display_name: p.name, number: p.phone })),
      insert: (v) => {
        const raw = c.insertRawContact({});
        const name = v.name ?? v.display_name;
        if (name != null) c.insertData({ raw_contact_id: raw, mimetype: NAME_MIME, data1: name });
        if (v.number != null) c.insertData({ raw_contact_id: raw, mimetype: PHONE_MIME, data1: v.number });
        return raw;
      },
    };
  }
  const sms = /^content:\/\/sms(?:\/(inbox|sent))?$/.exec(u);
  if (sms) {
    const box = (sms[1] as 'inbox' | 'sent' | undefined) ?? null;
    return {
      rows: c.sms.filter((r) => box === null || r.type === (box === 'sent' ? 2 : 1)),
      insert: (v) => c.insertSms(v, box),
    };
  }
  return undefined;
}

function whereFilter(where: string | undefined): (r: Row) => boolean {
  if (!where) return () => true;
  const m = /^\s*(\w+)\s*=\s*'?([^']*)'?\s*$/.exec(where);
  if (!m) return () => true;
  return (r) => String(r[m[1] as string]) === m[2];
}

export const CONTENT: ShellCommand[] = [
  {
    name: 'content',
    run(ctx) {
      const [verb, ...rest] = ctx.argv.slice(1);
      const { uri, values, projection, where } = parseBinds(rest);
      if (!verb || !uri) {
        ctx.err('usage: content [insert|query|delete] --uri <URI> [--bind <BINDING>...] [--where <WHERE>]\n');
        return 1;
      }
      const t = table(ctx, uri);
      if (!t) {
        ctx.err(
          `Error while accessing provider:${uri.replace(/^content:\/\//, '').split('/')[0]}\njava.lang.IllegalArgumentException: Unknown URI ${uri}\n`,
        );
        return 1;
      }
      if (verb === 'insert') {
        t.insert(values);
        return 0;
      }
      if (verb === 'query') {
        const rows = t.rows.filter(whereFilter(where));
        if (rows.length === 0) ctx.out('No result found.\n');
        rows.forEach((r, i) => {
          const cols = projection ?? Object.keys(r);
          ctx.out(
            `Row: ${i} ${cols.map((c) => `${c}=${r[c] === null || r[c] === undefined ? 'NULL' : String(r[c])}`).join(', ')}\n`,
          );
        });
        return 0;
      }
      if (verb === 'delete') {
        const keep = whereFilter(where);
        for (let i = t.rows.length - 1; i >= 0; i--) if (keep(t.rows[i] as Row)) t.rows.splice(i, 1);
        return 0;
      }
      ctx.err(`Unsupported operation: ${verb}\n`);
      return 1;
    },
  },
];
