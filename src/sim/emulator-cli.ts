import { startEmulatorStandIn } from './emulator.ts';

/**
 * `emulator -avd NAME [-no-window] [-no-snapshot-save] -port P` for hosts without the SDK emulator: the
 * tests put a script named `emulator` that runs this file (through tsx) on PATH or in $ANDROID_HOME/emulator.
 * Runs until `kill` arrives on the console, or SIGTERM/SIGINT.
 */
const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const avd = value('-avd');
const port = Number(value('-port') ?? 5554);
if (args.includes('-list-avds')) {
  process.stdout.write('appwarden_stand_in\n');
  process.exit(0);
}
if (!avd || !Number.isInteger(port) || port % 2 !== 0) {
  process.stderr.write('usage: emulator -avd NAME -port EVEN_PORT [-no-window] [-no-snapshot-save]\n');
  process.exit(1);
}
const emu = await startEmulatorStandIn({
  avd,
  port,
  bootMs: Number(process.env.APPWARDEN_EMULATOR_BOOT_MS ?? 500),
});
process.stdout.write(`INFO    | emulator-${port} (${avd}) stand-in: adbd on ${port + 1}\n`);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void emu.stop());
await emu.stopped;
process.exit(0);
