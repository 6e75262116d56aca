import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { failure } from '../../errors.ts';
import {
  CA_FORMATS,
  caPaths,
  exportCa,
  initCa,
  loadCa,
  subjectHashOld,
  type CaFormat,
} from '../../traffic/ca.ts';
import type { CliContext } from '../context.ts';

export function registerCa(program: Command, ctx: CliContext): void {
  const ca = program.command('ca').description("Create and export the farm's interception CA");

  ca.command('init')
    .description('Create the CA in the data folder (kept if it already exists)')
    .action(() => {
      const { ca: farmCa, created } = initCa(ctx.dataDir());
      const p = caPaths(ctx.dataDir());
      ctx.out(
        `${created ? 'Created' : 'Kept existing'} CA "${farmCa.cert.subject.getField('CN')?.value ?? ''}"\n`,
      );
      ctx.out(`  certificate: ${p.cert}\n  private key: ${p.key} (owner-only)\n`);
      ctx.out(`  android system store name: ${subjectHashOld(farmCa.cert)}.0\n`);
    });

  ca.command('export')
    .description('Write the CA certificate (never its key) for installing on devices')
    .addOption(
      new Option('--format <format>', 'pem | der | android (<subject_hash_old>.0)')
        .choices(CA_FORMATS)
        .default('pem'),
    )
    .option(
      '--out <file>',
      'file to write (a folder gets the conventional name); default: PEM to stdout, others to ./<name>',
    )
    .action((opts: { format: CaFormat; out?: string }) => {
      const exported = exportCa(loadCa(ctx.dataDir()), opts.format);
      if (!opts.out && opts.format === 'pem') {
        ctx.out(exported.bytes.toString('utf8'));
        return;
      }
      let file = path.resolve(opts.out ?? exported.fileName);
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, exported.fileName);
      try {
        fs.writeFileSync(file, exported.bytes);
      } catch (err) {
        throw failure('write', file, (err as Error).message, 'Choose another --out path.', err);
      }
      ctx.out(`${file}\n`);
    });
}
