import { describe, expect, it } from 'vitest';
import { SimDevice } from '../../../src/sim/device/device.ts';
import type { AppRuntime } from '../../../src/sim/device/runtime.ts';
import { runShellLine } from '../../../src/sim/shell/interpreter.ts';

async function sh(d: SimDevice, line: string): Promise<{ out: string; code: number }> {
  let out = '';
  const code = await runShellLine(d, line, {
    output: { out: (b) => (out += b.toString()), err: (b) => (out += b.toString()) },
  });
  return { out, code };
}

describe('sim shell commands the Appium driver relies on', () => {
  it('uiautomator dump writes the active window in Android dump shape, to the caller or a file', async () => {
    const d = new SimDevice('uia-dump');
    const { out } = await sh(d, 'uiautomator dump /dev/tty');
    expect(out).toMatch(
      /^<\?xml version='1.0' encoding='UTF-8' standalone='yes' \?><hierarchy rotation="0"><node index="0" text="" resource-id="[^"]*" class="[^"]+" package="com.android.launcher3"/,
    );
    expect(out.endsWith('</hierarchy>UI hierchary dumped to: /dev/tty\n')).toBe(true);
    const toFile = await sh(d, 'uiautomator dump');
    expect(toFile.out).toBe('UI hierchary dumped to: /sdcard/window_dump.xml\n');
    expect((await sh(d, 'cat /sdcard/window_dump.xml')).out).toBe(out.slice(0, out.indexOf('UI hierchary')));
    expect((await sh(d, 'uiautomator events')).out).toContain('Usage: uiautomator');
  });

  it('sensor shake reaches the foreground app with its peak, and rejects bad numbers', async () => {
    const d = new SimDevice('sensor-shake');
    const peaks: number[] = [];
    const runtime: AppRuntime = {
      onLaunch: () => undefined,
      onForceStop: () => undefined,
      onPermissionResult: () => undefined,
      onBackground: () => undefined,
      onForeground: () => undefined,
      onShake: (p) => peaks.push(p),
      onInput: () => undefined,
    };
    d.setRuntimeFactory(() => runtime);
    d.startActivity('com.android.settings');
    await sh(d, 'sensor shake 12.5 800 30');
    expect(peaks).toEqual([12.5]);
    expect((await sh(d, 'logcat -d -s SensorService')).out).toContain(
      'shake peak=12.5 m/s² duration=800 ms rotation=30°',
    );
    const bad = await sh(d, 'sensor shake fast');
    expect(bad.out).toContain('usage: sensor shake');
    expect(peaks).toHaveLength(1);
  });
});
