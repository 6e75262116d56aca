import { z } from 'zod';
import { MARKERS } from '../../evidence/types.ts';
import { defineStep } from './define.ts';

const markerName = z.enum(MARKERS);

/** Writes a journey marker by hand, e.g. WITHDRAW after a scripted withdrawal of consent. */
export const marker = defineStep({
  name: 'marker',
  summary: 'Record a journey marker (WITHDRAW, DELETE_ACCOUNT, …)',
  shorthand: { schema: markerName, expand: (name: (typeof MARKERS)[number]) => ({ name }) },
  options: z
    .object({
      name: markerName.describe('one of the journey markers of DESIGN.md'),
      arg: z.string().min(1).optional().describe('its argument, e.g. the permission for PERM_*'),
    })
    .strict(),
});
