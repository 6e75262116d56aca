import { errors } from '@appium/base-driver';
import type { SimLink } from '../link.ts';
import { activateApp, queryAppState, terminateApp } from './app.ts';
import { pressKeyCode } from './keys.ts';

/**
 * `mobile:` extension commands. Names and parameters follow UiAutomator2's where it has the same
 * command (`mobile: shell`, `mobile: pressKey`, `mobile: activateApp` …); `mobile: sensorShake` is the
 * sim's own (a shake with a peak acceleration in m/s², a duration in s and a rotation in degrees).
 */

/** Appium's executeMethodMap: script name → driver method and its parameters. */
export const EXECUTE_METHOD_MAP = {
  'mobile: shell': {
    command: 'mobileShell',
    params: { required: ['command'], optional: ['args', 'timeout', 'includeStderr'] },
  },
  'mobile: pressKey': {
    command: 'mobilePressKey',
    params: { required: ['keycode'], optional: ['metastate', 'flags', 'isLongPress'] },
  },
  'mobile: sensorShake': {
    command: 'mobileSensorShake',
    params: { optional: ['acceleration', 'duration', 'rotation'] },
  },
  'mobile: shake': {
    command: 'mobileSensorShake',
    params: { optional: ['acceleration', 'duration', 'rotation'] },
  },
  'mobile: activateApp': { command: 'activateApp', params: { required: ['appId'] } },
  'mobile: terminateApp': { command: 'terminateApp', params: { required: ['appId'] } },
  'mobile: queryAppState': { command: 'queryAppState', params: { required: ['appId'] } },
  'mobile: backgroundApp': { command: 'background', params: { optional: ['seconds'] } },
  'mobile: getCurrentPackage': { command: 'getCurrentPackage' },
  'mobile: getCurrentActivity': { command: 'getCurrentActivity' },
  'mobile: startActivity': {
    command: 'mobileStartActivity',
    params: { required: ['component'], optional: ['wait'] },
  },
} as const;

/** The insecure feature `mobile: shell` needs, as for UiAutomator2 (`--allow-insecure=*:adb_shell`). */
export const ADB_SHELL_FEATURE = 'adb_shell';

export async function mobileShell(
  link: SimLink,
  command: unknown,
  args: unknown,
  timeout: unknown,
  includeStderr: unknown,
): Promise<string | { stdout: string; stderr: string }> {
  if (typeof command !== 'string' || command === '') {
    throw new errors.InvalidArgumentError("'command' must be a non-empty string");
  }
  const argv = Array.isArray(args)
    ? args.map(String)
    : args === undefined || args === null
      ? []
      : [String(args)];
  const timeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : 20_000;
  const r = await link.shell([command, ...argv], timeoutMs);
  if (r.exitCode !== 0) {
    throw new errors.UnknownError(
      `Failed to run '${[command, ...argv].join(' ')}' on the sim: exit code ${r.exitCode}${r.stderr ? `: ${r.stderr.trim()}` : ''}`,
    );
  }
  return includeStderr ? { stdout: r.stdout, stderr: r.stderr } : r.stdout;
}

/** `mobile: startActivity {component: 'pkg/.Activity'}` → `am start [-W] -n component`. */
export async function mobileStartActivity(link: SimLink, component: unknown, wait: unknown): Promise<string> {
  if (typeof component !== 'string' || !/^[\w.]+\/[\w.$]+$/.test(component)) {
    throw new errors.InvalidArgumentError(
      `'component' must be PACKAGE/ACTIVITY (got ${JSON.stringify(component)})`,
    );
  }
  return link.run(['am', 'start', ...(wait ? ['-W'] : []), '-n', component]);
}

export async function mobilePressKey(link: SimLink, keycode: unknown): Promise<void> {
  await pressKeyCode(link, keycode);
}

/** Defaults: a firm shake (20 m/s² peak, 1 s, no rotation) — what "shake the phone" means to a user. */
export const DEFAULT_SHAKE = { acceleration: 20, duration: 1, rotation: 0 };

export async function mobileSensorShake(
  link: SimLink,
  acceleration: unknown = DEFAULT_SHAKE.acceleration,
  duration: unknown = DEFAULT_SHAKE.duration,
  rotation: unknown = DEFAULT_SHAKE.rotation,
): Promise<void> {
  for (const [name, v] of Object.entries({ acceleration, duration, rotation })) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new errors.InvalidArgumentError(
        `'${name}' must be a non-negative number (got ${JSON.stringify(v)})`,
      );
    }
  }
  await link.run([
    'sensor',
    'shake',
    String(acceleration),
    String(Math.round((duration as number) * 1000)),
    String(rotation),
  ]);
}

export { activateApp, queryAppState, terminateApp };
