import { z } from 'zod';
import { defineStep } from './define.ts';

/**
 * Emits SHAKE(profile). The defaults are the sub-threshold profile of DECEIVE-SHAKE-001
 * (RULES.md: 12 m/s² for 2 s, under R4's ≥15 m/s², ≥35°, ≥3 s).
 */
export const shake = defineStep({
  name: 'shake',
  summary: 'Shake the device with a given acceleration, duration and rotation',
  bare: true,
  options: z
    .object({
      acceleration: z.number().min(0).max(100).default(12).describe('peak linear acceleration (m/s²)'),
      duration: z.number().min(0.1).max(60).default(2).describe('seconds'),
      rotation: z.number().min(0).max(360).default(0).describe('rotation angle over the shake (degrees)'),
    })
    .strict(),
});
