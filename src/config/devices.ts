import { z } from 'zod';
import { DEVICE_KINDS } from '../evidence/types.ts';
import { expected } from './problems.ts';
import { kindHint, portOrAutoSchema, portSchema, seconds } from './common.ts';

/**
 * devices.yaml — the farm (DESIGN.md "Vocabulary", issue 6). One session per device at a time;
 * the scheduler picks devices for a suite through the selectors (tags, sdk, abi, root).
 */

/** Seconds a device has to come back from a reboot between jobs (`farm.rebootTimeout`). */
export const DEFAULT_REBOOT_TIMEOUT_S = 300;

export const ABIS = ['arm64-v8a', 'armeabi-v7a', 'x86_64', 'x86'] as const;

/** `adb devices` serial (letters, digits, `.-_:`) or host:port of a TCP device. */
const SERIAL = /^[A-Za-z0-9._-]+(:\d{1,5})?$/;

const portsSchema = z
  .object({
    appium: portOrAutoSchema.default('auto'),
    frida: portOrAutoSchema.default('auto'),
    proxy: portOrAutoSchema.default('auto'),
  })
  .strict()
  .describe('host ports this device uses; auto allocates a free one per lease');

const deviceCommon = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: expected('a name of letters, digits and ._-') })
    .describe('unique name of the device in logs, reports and selectors'),
  tags: z.array(z.string().min(1)).default([]).describe('free-form labels that suites select devices by'),
  sdk: z
    .number()
    .int()
    .min(16)
    .max(40)
    .optional()
    .describe('Android API level (read from the device when omitted)'),
  abi: z.enum(ABIS).optional().describe('primary ABI (read from the device when omitted)'),
  root: z.boolean().optional().describe('whether the device is rooted (read from the device when omitted)'),
  ports: portsSchema.prefault({}),
};

export const adbDeviceSchema = z
  .object({
    kind: z.literal('adb').describe('a real device or running emulator reached through the adb server'),
    serial: z
      .string()
      .regex(SERIAL, { error: expected('an adb serial or host:port') })
      .describe('adb serial, or host:port for a device on TCP'),
    ...deviceCommon,
  })
  .strict();

export const emulatorDeviceSchema = z
  .object({
    kind: z.literal('emulator').describe('an AVD that appwarden boots on demand'),
    avd: z.string().min(1).describe('AVD name as `emulator -list-avds` prints it'),
    headless: z.boolean().default(true).describe('boot with -no-window'),
    consolePort: z
      .number()
      .int()
      .min(5554)
      .max(5682)
      .multipleOf(2)
      .optional()
      .describe('even console port 5554-5682 (auto when omitted)'),
    bootTimeout: seconds('time the AVD has to boot when appwarden starts it', 3600).min(1).default(300),
    ...deviceCommon,
  })
  .strict();

export const simDeviceSchema = z
  .object({
    kind: z.literal('sim').describe("appwarden's built-in simulated handset"),
    seed: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('seed for the identity (IMEI, MACs, …); default from the name'),
    model: z.string().min(1).optional().describe('simulated model name, e.g. Pixel 7'),
    ...deviceCommon,
  })
  .strict();

export const deviceSchema = z.discriminatedUnion('kind', [
  adbDeviceSchema,
  emulatorDeviceSchema,
  simDeviceSchema,
]);

export const farmOptionsSchema = z
  .object({
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('times a job is retried on another matching device after an infrastructure failure'),
    quarantineAfter: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('consecutive infrastructure failures after which a device sits out the rest of the run'),
    rebootEvery: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('reboot a device between jobs after this many jobs on it (retries count); 0 = never'),
    rebootTimeout: seconds(
      `time a rebooting device has to come back with boot completed; default ${DEFAULT_REBOOT_TIMEOUT_S}`,
      3600,
    )
      .min(1)
      .optional(),
    jobTimeout: seconds('time limit of one job', 7 * 86_400)
      .min(10)
      .default(1800),
    appiumPorts: z
      .object({ from: portSchema, to: portSchema })
      .strict()
      .refine((r) => r.from <= r.to, { error: "expected 'from' <= 'to'" })
      .default({ from: 4723, to: 4822 })
      .describe("range that 'auto' Appium ports are taken from"),
  })
  .strict();

export const devicesFileSchema = z
  .object({
    $schema: z.string().optional(),
    kind: kindHint('devices'),
    farm: farmOptionsSchema.prefault({}),
    devices: z.array(deviceSchema).min(1).describe('the devices of the farm'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Map<string, number>();
    const ports = new Map<number, string>();
    file.devices.forEach((d, i) => {
      const seen = names.get(d.name);
      if (seen !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'name'],
          message: `duplicate device name '${d.name}' (also device ${seen + 1})`,
        });
      } else names.set(d.name, i);
      for (const [what, port] of Object.entries(d.ports)) {
        if (port === 'auto') continue;
        const other = ports.get(port);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['devices', i, 'ports', what],
            message: `port ${port} is already used by ${other}`,
          });
        } else ports.set(port, `${d.name} (${what})`);
      }
    });
  })
  .meta({ title: 'appwarden devices.yaml', description: 'The device farm: options and devices' });

export type DevicesFile = z.output<typeof devicesFileSchema>;
export type FarmOptions = DevicesFile['farm'];
export type DeviceConfig = DevicesFile['devices'][number];
export type AdbDeviceConfig = Extract<DeviceConfig, { kind: 'adb' }>;
export type EmulatorDeviceConfig = Extract<DeviceConfig, { kind: 'emulator' }>;
export type SimDeviceConfig = Extract<DeviceConfig, { kind: 'sim' }>;

// The schema and evidence/types.ts must agree on the device kinds.
const _kindsAgree: readonly DeviceConfig['kind'][] = DEVICE_KINDS;
void _kindsAgree;
