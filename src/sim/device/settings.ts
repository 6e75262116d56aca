import type { SimIdentity } from '../identity.ts';

/** The three Settings.* namespaces `settings get|put|delete|list` works on. */
export const SETTINGS_NAMESPACES = ['system', 'secure', 'global'] as const;
export type SettingsNamespace = (typeof SETTINGS_NAMESPACES)[number];

export type SettingsStore = Record<SettingsNamespace, Map<string, string>>;

/** Defaults of a freshly set-up Android 10 phone (keys from android.provider.Settings). */
export function defaultSettings(id: SimIdentity): SettingsStore {
  return {
    system: new Map([
      ['screen_brightness', '102'],
      ['screen_off_timeout', '60000'],
      ['accelerometer_rotation', '1'],
      ['time_12_24', '24'],
    ]),
    secure: new Map([
      ['android_id', id.androidId],
      ['bluetooth_address', id.bluetoothMac.toUpperCase()],
      ['bluetooth_name', id.deviceName],
      ['default_input_method', 'com.android.inputmethod.latin/.LatinIME'],
      ['location_mode', '3'],
      ['location_providers_allowed', 'gps,network'],
      ['install_non_market_apps', '1'],
    ]),
    global: new Map([
      ['adb_enabled', '1'],
      ['airplane_mode_on', '0'],
      ['auto_time', '1'],
      ['development_settings_enabled', '1'],
      ['device_name', id.deviceName],
      ['mobile_data', '1'],
      ['package_verifier_enable', '1'],
      ['stay_on_while_plugged_in', '0'],
      ['wifi_on', '1'],
      ['window_animation_scale', '1.0'],
      ['transition_animation_scale', '1.0'],
      ['animator_duration_scale', '1.0'],
    ]),
  };
}
