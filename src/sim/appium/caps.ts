import { errors } from '@appium/base-driver';

/**
 * Session capabilities. The sim is reached over its ADB daemon: `appium:udid` is the serial startSim()
 * returns (`127.0.0.1:PORT`), the same serial `adb connect` takes, so a farm hands sims and devices
 * to sessions the same way.
 */
export const SIM_CAP_CONSTRAINTS = {
  platformName: { presence: true, isString: true, inclusionCaseInsensitive: ['Android'] },
  udid: { presence: true, isString: true },
  appPackage: { isString: true },
  appActivity: { isString: true },
  app: { isString: true },
  autoGrantPermissions: { isBoolean: true },
  noReset: { isBoolean: true },
} as const;

export interface SimCaps {
  udid: string;
  appPackage?: string;
  appActivity?: string;
  app?: string;
  autoGrantPermissions?: boolean;
}

/** Host and port of the sim's ADB daemon from `appium:udid`. Only loopback: sims serve 127.0.0.1. */
export function simAddress(udid: string): { host: string; port: number } {
  const m = /^(127\.\d+\.\d+\.\d+|localhost):(\d{1,5})$/.exec(udid);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535) {
    throw new errors.SessionNotCreatedError(
      `Failed to start a sim session: appium:udid '${udid}' is not a sim serial. Pass the 127.0.0.1:PORT serial startSim() returned.`,
    );
  }
  return { host: m[1] === 'localhost' ? '127.0.0.1' : (m[1] as string), port };
}
