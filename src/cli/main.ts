import { Command, CommanderError } from 'commander';
import { AppwardenError, describeError } from '../errors.ts';
import { log, setLogLevel } from '../log.ts';
import { COMMANDS } from './commands/index.ts';
import { CommandExit, resolveDataDir, type CliContext } from './context.ts';
import { APPWARDEN_VERSION } from '../version.ts';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('appwarden')
    .description('Run-time privacy testing of Android apps')
    .version(APPWARDEN_VERSION)
    .option('--data <dir>', 'data folder (default: $APPWARDEN_DATA or ./appwarden-data)')
    .option('-v, --verbose', 'log debug details to stderr')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    .hook('preAction', (cmd) => {
      if (cmd.opts<{ verbose?: boolean }>().verbose) setLogLevel('debug');
    });
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs the CLI and returns the exit code (DESIGN.md: 0 ok, 1 findings, 2 infrastructure/usage error). */
export async function main(argv: string[], io?: Partial<Pick<CliContext, 'out' | 'err'>>): Promise<number> {
  const ctx: CliContext = {
    // `program` is read only when a command runs, after it is built below.
    dataDir: () => resolveDataDir(program.opts<{ data?: string }>().data),
    out: io?.out ?? ((s) => void process.stdout.write(s)),
    err: io?.err ?? ((s) => void process.stderr.write(`${s}\n`)),
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CommandExit) return err.code;
    if (!(err instanceof AppwardenError)) log.debug({ err }, 'unexpected error');
    ctx.err(`appwarden: ${describeError(err)}`);
    return err instanceof AppwardenError ? err.exitCode : 2;
  }
}
