import type { HookRow } from './types.ts';

/** Sensor subscriptions: which sensor and at what rate (DECEIVE-SHAKE-001: ad SDKs registering ACCEL/GYRO). */
export const SENSORS: HookRow[] = [
  {
    class: 'android.hardware.SensorManager',
    method: 'registerListener',
    category: 'sensor',
    data: ['sensor'],
    args: ['value', 'sensor', 'value', 'value'],
    ret: 'value',
    source:
      'https://developer.android.com/reference/android/hardware/SensorManager#registerListener(android.hardware.SensorEventListener,%20android.hardware.Sensor,%20int)',
  },
];
