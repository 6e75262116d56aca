import type { Command } from 'commander';
import Table from 'cli-table3';
import {
  readIdentityFile,
  scanHarRequests,
  scanJson,
  type ScannedFlow,
} from '../../analysis/matcher/har-scan.ts';
import { readHarFile } from '../../traffic/har-input.ts';
import type { CliContext } from '../context.ts';

const plain = { style: { head: [], border: [] } };

function destinationText(f: ScannedFlow): string {
  const d = f.destination;
  const who = d.organisation
    ? `${d.organisation.name} (${d.organisation.country}, ${d.organisation.category})`
    : '';
  const party = d.party === 'unknown' ? '' : `${d.party} party`;
  return [d.host, [who, party].filter(Boolean).join(', ')].filter(Boolean).join('\n');
}

function table(flows: ScannedFlow[]): string {
  const t = new Table({ ...plain, head: ['flow', 'request', 'destination', 'data', 'encoding', 'where'] });
  for (const f of flows) {
    for (const m of f.matches) {
      t.push([
        String(f.flow),
        f.method,
        destinationText(f),
        m.type,
        m.encoding,
        m.path === undefined ? m.where : `${m.where} ${m.path}`,
      ]);
    }
  }
  return t.toString();
}

export function registerTraffic(program: Command, ctx: CliContext): void {
  const traffic = program
    .command('traffic')
    .description('Offline traffic tools (scan a HAR for personal data)');
  traffic
    .command('scan')
    .description('Find the identity values of identity.json in the requests of a HAR file (from any tool)')
    .argument('<capture>', 'HAR 1.2 file')
    .requiredOption('--identity <file>', 'identity.json with the device values to look for')
    .option('--app-domain <domain...>', "the app's own domains, to tell first from third parties")
    .option('--json', 'print {"matches":[{flow, type, encoding, where, path}]} for scripts')
    .action((capture: string, opts: { identity: string; appDomain?: string[]; json?: boolean }) => {
      const identity = readIdentityFile(opts.identity);
      const requests = readHarFile(capture);
      const flows = scanHarRequests(requests, identity, { appDomains: opts.appDomain ?? [] });
      if (opts.json) {
        ctx.out(`${JSON.stringify(scanJson(flows))}\n`);
        return;
      }
      const count = flows.reduce((n, f) => n + f.matches.length, 0);
      if (count === 0) {
        ctx.out(`No identity values found in ${requests.length} requests of ${capture}.\n`);
        return;
      }
      ctx.out(`${table(flows)}\n`);
      ctx.out(`${count} matches in ${flows.length} of ${requests.length} requests.\n`);
    });
}
