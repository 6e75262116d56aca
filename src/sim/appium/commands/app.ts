import { errors } from '@appium/base-driver';
import type { SimLink } from '../link.ts';

/**
 * App management through the commands UiAutomator2 uses on a device: `monkey` (activate), `am
 * force-stop` (terminate), `pidof` + `dumpsys window` (state), the HOME key (background).
 */

/** Appium's app states (ApplicationState in appium-android-driver). */
export const APP_STATE = {
  NOT_INSTALLED: 0,
  NOT_RUNNING: 1,
  RUNNING_IN_BACKGROUND_SUSPENDED: 2,
  RUNNING_IN_BACKGROUND: 3,
  RUNNING_IN_FOREGROUND: 4,
} as const;

async function isInstalled(link: SimLink, pkg: string): Promise<boolean> {
  const r = await link.shell(['pm', 'path', pkg]);
  return r.exitCode === 0 && r.stdout.includes('package:');
}

export async function queryAppState(link: SimLink, appId: string): Promise<number> {
  if (!(await isInstalled(link, appId))) return APP_STATE.NOT_INSTALLED;
  const pid = await link.shell(['pidof', appId]);
  if (pid.exitCode !== 0 || pid.stdout.trim() === '') return APP_STATE.NOT_RUNNING;
  const focus = await link.focus();
  return focus.pkg === appId ? APP_STATE.RUNNING_IN_FOREGROUND : APP_STATE.RUNNING_IN_BACKGROUND;
}

export async function activateApp(link: SimLink, appId: string): Promise<void> {
  if (!(await isInstalled(link, appId))) {
    throw new errors.InvalidArgumentError(`Failed to activate ${appId}: it is not installed on the sim`);
  }
  const r = await link.shell(['monkey', '-p', appId, '-c', 'android.intent.category.LAUNCHER', '1']);
  if (r.exitCode !== 0 || r.stdout.includes('No activities found')) {
    throw new errors.UnknownError(`Failed to activate ${appId}: it has no launcher activity`);
  }
}

/** True when the app was running and is now stopped. */
export async function terminateApp(link: SimLink, appId: string): Promise<boolean> {
  const state = await queryAppState(link, appId);
  if (state === APP_STATE.NOT_INSTALLED) {
    throw new errors.InvalidArgumentError(`Failed to terminate ${appId}: it is not installed on the sim`);
  }
  await link.run(['am', 'force-stop', appId]);
  return state !== APP_STATE.NOT_RUNNING;
}

/**
 * `background(seconds)`: HOME, wait, then bring the same activity back. A negative time (or null)
 * leaves the app in the background, as Appium documents.
 */
export async function background(link: SimLink, seconds: number | null | undefined): Promise<void> {
  const before = await link.focus();
  await link.keyevent('KEYCODE_HOME');
  if (seconds === null || seconds === undefined || seconds < 0) return;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  if (!before.pkg) return;
  await link.run(['am', 'start', '-n', `${before.pkg}/${before.activity}`]);
}

export async function getCurrentPackage(link: SimLink): Promise<string> {
  return (await link.focus()).pkg;
}

export async function getCurrentActivity(link: SimLink): Promise<string> {
  const { pkg, activity } = await link.focus();
  return activity.startsWith(`${pkg}.`) ? activity.slice(pkg.length) : activity;
}
