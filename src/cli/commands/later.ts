import type { Command } from 'commander';
import { NotAvailableYet } from '../../errors.ts';
import type { CliContext } from '../context.ts';

/**
 * Commands that later parts of appwarden implement. They exist so `--help` shows the whole tool,
 * and they fail clearly (exit 2) instead of printing anything that could be mistaken for a result.
 * When a command lands, its line moves out of here into its own module.
 */
const LATER: { name: string; description: string }[] = [
  { name: 'run', description: 'Run a suite (or --app/--scenario) on the device farm and report findings' },
  { name: 'demo', description: 'Run the demo suite on the built-in simulated farm' },
  { name: 'devices', description: 'List the farm in devices.yaml and check device health' },
  { name: 'sim', description: 'Start simulated handsets for exploring with adb' },
  { name: 'analyze', description: 'Re-run the rules on a stored session or run' },
  { name: 'report', description: 'Write an HTML, JSON, JUnit or HAR report of a run or session' },
  { name: 'diff', description: 'Compare the findings of two runs (new, fixed, unchanged)' },
  { name: 'traffic', description: 'Offline traffic tools (scan a HAR for personal data)' },
  { name: 'ca', description: "Create and export the farm's interception CA" },
];

export function registerLater(program: Command, _ctx: CliContext): void {
  const taken = new Set(program.commands.map((c) => c.name()));
  for (const { name, description } of LATER) {
    if (taken.has(name)) continue;
    program
      .command(name)
      .description(description)
      .allowUnknownOption(true)
      .allowExcessArguments(true)
      .action(() => {
        throw new NotAvailableYet(`'appwarden ${name}'`);
      });
  }
}
