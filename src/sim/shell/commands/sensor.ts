import type { ShellCommand } from '../types.ts';

/**
 * `sensor shake PEAK [DURATION_MS] [ROTATION_DEG]` — sim only (Android has no shell command that moves
 * the accelerometer; emulators take `sensor set acceleration` on their console). Shakes the handset
 * with a peak acceleration in m/s²; the foreground app hears it if it registered a motion sensor.
 * The sim Appium driver's `mobile: sensorShake` and `shake` commands call it.
 */
export const SENSOR: ShellCommand[] = [
  {
    name: 'sensor',
    run(ctx) {
      const [verb, ...rest] = ctx.argv.slice(1);
      const nums = rest.map(Number);
      const [peak, duration = 1000, rotation = 0] = nums;
      if (verb !== 'shake' || peak === undefined || nums.some((n) => !Number.isFinite(n)) || peak < 0) {
        ctx.err('usage: sensor shake PEAK_M_S2 [DURATION_MS] [ROTATION_DEG]\n');
        return 1;
      }
      ctx.device.writeLog(
        'I',
        'SensorService',
        `shake peak=${peak} m/s² duration=${duration} ms rotation=${rotation}°`,
      );
      ctx.device.shake(peak);
      return 0;
    },
  },
];
