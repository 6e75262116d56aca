import type { Device } from '../device.ts';
import { parseCurrentFocus, parseResumedActivity, type Foreground } from '../parse/foreground.ts';

/** Starts the app's launcher activity, or `activity` when given (`am start -W -n pkg/act`). */
export async function startApp(device: Device, pkg: string, activity?: string): Promise<void> {
  if (activity) {
    await device.run(['am', 'start', '-W', '-n', `${pkg}/${activity}`], { timeoutMs: 60_000 });
    return;
  }
  const r = await device.shell(['monkey', '-p', pkg, '-c', 'android.intent.category.LAUNCHER', '1'], {
    timeoutMs: 60_000,
  });
  if (r.exitCode !== 0 || /No activities found|monkey aborted/i.test(r.stdout + r.stderr)) {
    throw new Error(
      `Failed to start ${pkg} on ${device.serial}: ${(r.stderr || r.stdout).trim() || 'monkey failed'}.`,
    );
  }
}

export async function forceStop(device: Device, pkg: string): Promise<void> {
  await device.run(['am', 'force-stop', pkg], { timeoutMs: 30_000 });
}

/** The app in the foreground and its resumed activity (window focus as a fallback). */
export async function foreground(device: Device): Promise<Foreground | null> {
  const activities = await device.shell(['dumpsys', 'activity', 'activities'], { timeoutMs: 30_000 });
  const resumed = parseResumedActivity(activities.stdout);
  if (resumed) return resumed;
  const windows = await device.shell(['dumpsys', 'window', 'windows'], { timeoutMs: 30_000 });
  return parseCurrentFocus(windows.stdout);
}

/** Process ids of a package's processes (main and `:sub` processes), empty when not running. */
export async function pidof(device: Device, pkg: string): Promise<number[]> {
  const r = await device.shell(['pidof', pkg], { timeoutMs: 15_000 });
  return r.stdout
    .trim()
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}
