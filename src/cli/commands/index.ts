import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAnalyze } from './analyze.ts';
import { registerBundle } from './bundle.ts';
import { registerCa } from './ca.ts';
import { registerDevices } from './devices.ts';
import { registerDiff } from './diff.ts';
import { registerDoctor } from './doctor.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerSessions } from './sessions.ts';
import { registerSim } from './sim.ts';
import { registerTraffic } from './traffic.ts';
import { registerValidate } from './validate.ts';

/** A command module adds its command(s) to the program. One line here per module. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [
  registerDoctor,
  registerCa,
  registerValidate,
  registerAnalyze,
  registerSessions,
  registerBundle,
  registerSim,
  registerDevices,
  registerTraffic,
  registerReport,
  registerDiff,
  registerRun,
];
