import type { SimDevice } from '../device/device.ts';
import { log } from '../../log.ts';
import { runPath } from './binaries.ts';
import { COMMAND_TABLE } from './registry.ts';
import { parseCommandLine, ShellSyntaxError, STATUS_MARK, type SimpleCommand } from './split.ts';
import { bufferStdin, EMPTY_STDIN, type CommandContext, type StdinReader } from './types.ts';

export interface ShellOutput {
  out(data: Buffer): void;
  err(data: Buffer): void;
}

export interface ShellRun {
  stdin?: StdinReader;
  output: ShellOutput;
  signal?: AbortSignal;
}

/**
 * Runs one command line the way /system/bin/sh -c would: pipelines joined by ; && ||, pipes
 * buffered between stages, redirections into the sim's file system. Returns the exit status.
 */
export async function runShellLine(device: SimDevice, line: string, io: ShellRun): Promise<number> {
  log.debug({ sim: device.seed, line }, 'sim shell');
  let pipelines;
  try {
    pipelines = parseCommandLine(line);
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    io.output.err(Buffer.from(`/system/bin/sh: ${err.message}\n`));
    return 2;
  }
  const signal = io.signal ?? new AbortController().signal;
  let status = 0;
  for (const p of pipelines) {
    if (p.joiner === '&&' && status !== 0) continue;
    if (p.joiner === '||' && status === 0) continue;
    let input: StdinReader = io.stdin ?? EMPTY_STDIN;
    for (let i = 0; i < p.commands.length; i++) {
      const last = i === p.commands.length - 1;
      const piped: Buffer[] = [];
      const sink: ShellOutput = last ? io.output : { out: (b) => piped.push(b), err: io.output.err };
      status = await runSimple(device, p.commands[i] as SimpleCommand, input, sink, signal, status);
      if (!last) input = bufferStdin(Buffer.concat(piped));
      if (signal.aborted) return status;
    }
    const exit = p.commands[p.commands.length - 1]?.argv[0];
    if (exit === 'exit') return status;
  }
  return status;
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

async function runSimple(
  device: SimDevice,
  cmd: SimpleCommand,
  stdin: StdinReader,
  output: ShellOutput,
  signal: AbortSignal,
  lastStatus: number,
): Promise<number> {
  const argv = cmd.argv.map((a) => a.split(STATUS_MARK).join(String(lastStatus)));
  let out: (b: Buffer) => void = (b) => output.out(b);
  let err: (b: Buffer) => void = (b) => output.err(b);
  const files = new Map<string, Buffer[]>();
  for (const r of cmd.redirects) {
    if (r.fd === 0) {
      const data = device.fs.read(r.target);
      if (!data) {
        output.err(Buffer.from(`/system/bin/sh: ${r.target}: No such file or directory\n`));
        return 1;
      }
      stdin = bufferStdin(data);
      continue;
    }
    let sink: (b: Buffer) => void;
    if (r.target === '&1') sink = out;
    else if (r.target === '&2') sink = err;
    else if (r.target === '/dev/null') sink = () => undefined;
    else {
      const chunks: Buffer[] = r.append ? [device.fs.read(r.target) ?? Buffer.alloc(0)] : [];
      files.set(r.target, chunks);
      sink = (b) => chunks.push(b);
    }
    if (r.fd === 1) out = sink;
    else err = sink;
  }
  const name = argv[0];
  let status: number;
  if (!name) {
    status = 0;
  } else {
    // A path that is not a system tool runs the file there (a pushed sim binary, see binaries.ts).
    const command =
      COMMAND_TABLE.get(name.replace(/^\/system\/bin\//, '')) ??
      (name.includes('/') ? { name, run: runPath } : undefined);
    if (!command) {
      err(Buffer.from(`/system/bin/sh: ${name}: inaccessible or not found\n`));
      status = 127;
    } else {
      const ctx: CommandContext = {
        device,
        argv,
        env: cmd.env,
        stdin,
        out: (d) => out(toBuffer(d)),
        err: (d) => err(Buffer.from(d)),
        signal,
        run: (next, env) =>
          runSimple(
            device,
            { argv: next, env: env ? { ...cmd.env, ...env } : cmd.env, redirects: [] },
            stdin,
            { out, err },
            signal,
            lastStatus,
          ),
      };
      try {
        status = await command.run(ctx);
      } catch (e) {
        // A bug in a command must not take the shell (or the sim) down: report it like a crashing tool.
        log.debug({ err: e, argv }, 'sim shell command failed');
        err(Buffer.from(`${name}: ${(e as Error).message}\n`));
        status = 1;
      }
    }
  }
  for (const [path, chunks] of files) {
    try {
      device.fs.write(path, Buffer.concat(chunks));
    } catch (e) {
      output.err(Buffer.from(`/system/bin/sh: can't create ${path}: ${(e as Error).message}\n`));
      status = 1;
    }
  }
  return status;
}
