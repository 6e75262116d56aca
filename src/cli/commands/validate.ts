import type { Command } from 'commander';
import { Option } from 'commander';
import { CONFIG_KINDS, type ConfigKind } from '../../config/load.ts';
import { validateConfigFiles } from '../../config/validate.ts';
import { knownRuleParams } from '../../analysis/known-rules.ts';
import { CommandExit, type CliContext } from '../context.ts';

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description(
      'Check devices.yaml, scenario, suite and rules files; name the line and column of each problem',
    )
    .argument('<files...>', 'YAML files to check')
    .addOption(
      new Option('--kind <kind>', 'treat every file as this kind (default: detect)').choices(CONFIG_KINDS),
    )
    .action((files: string[], opts: { kind?: ConfigKind }) => {
      const results = validateConfigFiles(files, opts.kind, { knownRules: knownRuleParams() });
      for (const r of results) {
        if (r.problems.length === 0) ctx.out(`OK ${r.file} (${r.kind ?? '?'})\n`);
        else for (const line of r.problems) ctx.err(line);
      }
      if (results.some((r) => r.problems.length > 0)) throw new CommandExit(2);
    });
}
