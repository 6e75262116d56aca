import type { Command } from 'commander';
import { exportSession, importBundle } from '../../evidence/bundle.ts';
import { failure } from '../../errors.ts';
import { openStore, storeExists } from '../../evidence/store.ts';
import type { CliContext } from '../context.ts';

export function registerBundle(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('Write one session with its blobs and identity to a verifiable .tar.gz bundle')
    .argument('<session>', 'session id')
    .requiredOption('--out <file>', 'bundle to write, e.g. session.tar.gz')
    .action(async (id: string, opts: { out: string }) => {
      const dataDir = ctx.dataDir();
      if (!storeExists(dataDir)) {
        throw failure(
          'export',
          `session ${id}`,
          `no evidence store in ${dataDir}`,
          'Pass --data or set APPWARDEN_DATA.',
        );
      }
      const store = openStore({ dataDir });
      try {
        const { file, manifest } = await exportSession(store, id, opts.out);
        const bytes = manifest.files.reduce((a, f) => a + f.size, 0);
        ctx.out(
          `Exported session ${id} to ${file} (${manifest.files.length} files, ${bytes} bytes before compression).\n`,
        );
      } finally {
        await store.close();
      }
    });

  program
    .command('import')
    .description('Verify a session bundle and add its session to the data folder')
    .argument('<file>', 'bundle written by `appwarden export`')
    .action(async (file: string) => {
      const dataDir = ctx.dataDir();
      const r = await importBundle(file, dataDir);
      ctx.out(`Imported session ${r.session} (${r.events} events, ${r.blobs} blobs) into ${dataDir}.\n`);
    });
}
