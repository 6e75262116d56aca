import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the appwarden CLI in process, as a user would, capturing stdout, stderr and the exit code. */
export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'appwarden', ...args], {
    out: (s) => (out += s),
    err: (s) => (err += `${s}\n`),
  });
  return { code, out, err };
}
