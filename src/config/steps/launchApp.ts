import { z } from 'zod';
import { defineStep } from './define.ts';

export const LAUNCH_PERMISSIONS = ['default', 'grantAll', 'denyAll'] as const;

/** Emits LAUNCH. `permissions` pre-sets every runtime permission before the launch. */
export const launchApp = defineStep({
  name: 'launchApp',
  summary: 'Start the app under test (optionally with cleared data and pre-set permissions)',
  bare: true,
  options: z
    .object({
      clearState: z.boolean().default(false).describe('clear app data (pm clear) before launching'),
      permissions: z
        .enum(LAUNCH_PERMISSIONS)
        .default('default')
        .describe('default: ask as the app asks; grantAll / denyAll: pre-set every runtime permission'),
    })
    .strict(),
});
