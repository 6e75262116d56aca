import type { Device } from '../device.ts';

const ANIMATION_SCALES = ['window_animation_scale', 'transition_animation_scale', 'animator_duration_scale'];

/** Animations off make UI timing deterministic; returns the previous values so they can be restored. */
export async function disableAnimations(device: Device): Promise<Record<string, string>> {
  const previous: Record<string, string> = {};
  for (const key of ANIMATION_SCALES) {
    previous[key] = (await device.run(['settings', 'get', 'global', key], { timeoutMs: 15_000 })).trim();
    await device.run(['settings', 'put', 'global', key, '0'], { timeoutMs: 15_000 });
  }
  return previous;
}

export async function restoreSettings(
  device: Device,
  namespace: 'global' | 'secure' | 'system',
  values: Record<string, string>,
): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    const argv =
      value === 'null' || value === ''
        ? ['settings', 'delete', namespace, key]
        : ['settings', 'put', namespace, key, value];
    await device.run(argv, { timeoutMs: 15_000 });
  }
}

/** Keeps the screen on while plugged in (USB or AC) so journeys do not meet a lock screen. */
export async function keepAwake(device: Device, on = true): Promise<void> {
  await device.run(['svc', 'power', 'stayon', on ? 'usb' : 'false'], { timeoutMs: 15_000 });
}
