import path from 'node:path';
import type { Command } from 'commander';
import { openStore, storeExists } from '../../evidence/store.ts';
import { UsageError } from '../../errors.ts';
import { isReportFormat, REPORT_FORMATS, writeReport } from '../../report/index.ts';
import type { CliContext } from '../context.ts';

const EXTENSION = { html: 'html', json: 'json', junit: 'xml', har: 'har', sarif: 'sarif' } as const;

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('Write the report of a stored run or session: html, json, junit, har (one session) or sarif')
    .argument('<id>', 'run or session id')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'html')
    .option('--out <path>', 'file to write (default: <data>/reports/<id>.<ext>)')
    .action(async (id: string, opts: { format: string; out?: string }) => {
      const format = opts.format.toLowerCase();
      if (!isReportFormat(format)) {
        throw new UsageError(
          `Failed to parse --format ${opts.format}: expected one of ${REPORT_FORMATS.join(', ')}.`,
        );
      }
      const dataDir = ctx.dataDir();
      if (!storeExists(dataDir)) {
        throw new UsageError(
          `Failed to open the evidence store: ${dataDir} has none. Pass --data or run a suite first.`,
        );
      }
      const out = opts.out ?? path.join(dataDir, 'reports', `${id}.${EXTENSION[format]}`);
      const store = openStore({ dataDir });
      try {
        const written = writeReport(store, id, format, out);
        ctx.out(`${written.path} (${format}, ${written.bytes} bytes)\n`);
      } finally {
        await store.close();
      }
    });
}
