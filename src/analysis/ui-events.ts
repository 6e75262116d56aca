/**
 * Shapes of the UI and device events the UI-based rules read, as the journeys and device probes record
 * them. Stored `data` is untrusted (it may come from an imported bundle), so each shape has a zod
 * schema and the read model drops rows that do not parse (logging why) instead of guessing.
 *
 * Events (DESIGN.md "Events"; `source` in brackets):
 * - `window` [ui]: a dialog, splash, ad or activity became visible or changed. `windowId` groups the
 *   snapshots of one window; `state: 'gone'` marks it closed. `visibleAt` is when it was first seen
 *   (session ms). `closeCandidates` are the nodes that look like close/skip controls.
 * - `consent-dialog` [ui]: the first layer of a consent/privacy dialog at first render (before any TAP).
 * - `foreground` [ui|device]: the foreground package/activity changed.
 * - `process-start` / `process-died` [device]: the app's process appeared or went away; `trigger` names
 *   a broadcast or job when the device probe knows it.
 * - `permission-state` [device]: permission grants read from `dumpsys package` (for PI-CONSENT-005).
 * - `hooks-unavailable` / `traffic-unavailable` / `ui-unavailable` [device|any]: a probe could not attach;
 *   `reason` says why. Rules needing that evidence report "not evaluated".
 *
 * Bounds are screen pixels `[left, top, right, bottom]`; UiAutomator's `"[l,t][r,b]"` string is accepted.
 *
 * Journey marker details the rules read (MarkerData.detail; all optional):
 * - TAP: `arg` = the node's text; `detail.text`/`detail.desc` = text and content-desc, `detail.x`/`detail.y`
 *   = the tap point, `detail.target: 'close' | 'skip' | 'blank'` when the step knows what it tapped,
 *   `detail.probe: 'hot-zone'` for the neutral-point taps of UX-POPUP-002.
 * - PERM_PROMPT / PERM_DENIED / PERM_GRANTED: `arg` = the permission (`android.permission.CAMERA` or
 *   `CAMERA`); PERM_PROMPT `detail.requestedBy: 'os'` for prompts the system showed on its own.
 * - SHAKE: `arg` = profile name; `detail.accel` (m/s²), `detail.rotationDeg`, `detail.durationMs`.
 * - POLICY_ACCEPTED: `detail.separate: true` when the step gave a separate consent (PIPL Art. 23).
 */
import { z } from 'zod';

const boundsString = /^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$/;

export type Bounds = [left: number, top: number, right: number, bottom: number];

export const boundsSchema = z.union([
  z.tuple([z.number(), z.number(), z.number(), z.number()]),
  z
    .string()
    .regex(boundsString)
    .transform((s): Bounds => {
      const m = boundsString.exec(s) as RegExpExecArray;
      return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    }),
]);

export const closeCandidateSchema = z.object({
  text: z.string().default(''),
  desc: z.string().default(''),
  bounds: boundsSchema.nullable().default(null),
  clickable: z.boolean().default(false),
});
export type CloseCandidate = z.infer<typeof closeCandidateSchema>;

export const WINDOW_KINDS = ['dialog', 'splash', 'ad', 'activity'] as const;

export const windowEventSchema = z.object({
  windowId: z.string().optional(),
  package: z.string(),
  activity: z.string().default(''),
  kind: z.enum(WINDOW_KINDS),
  state: z.enum(['shown', 'gone']).default('shown'),
  closeCandidates: z.array(closeCandidateSchema).default([]),
  /** Session ms when the window was first visible. */
  visibleAt: z.number(),
  /** Bounds of the window's own clickable content (the ad image), when known. */
  bounds: boundsSchema.nullable().default(null),
  /** Pixels per dp of the screen, when known (needed for the close-target size check). */
  density: z.number().positive().optional(),
  /** Visible text of the window (for shake cues, CTA wording, marketing pop-ups). */
  texts: z.array(z.string()).default([]),
  /** True for marketing pop-ups (not system dialogs, not dialogs the user opened). */
  marketing: z.boolean().default(false),
  /** The blob of the screenshot taken with this snapshot. */
  screenshot: z.string().nullable().default(null),
});
export type WindowEvent = z.infer<typeof windowEventSchema>;

export const consentDialogSchema = z.object({
  buttons: z.array(z.object({ text: z.string(), bounds: boundsSchema.nullable().default(null) })).default([]),
  checkboxes: z
    .array(
      z.object({ text: z.string(), bounds: boundsSchema.nullable().default(null), checked: z.boolean() }),
    )
    .default([]),
  screenshot: z.string().nullable().default(null),
});
export type ConsentDialogEvent = z.infer<typeof consentDialogSchema>;

export const foregroundSchema = z.object({ package: z.string(), activity: z.string().default('') });
export type ForegroundEvent = z.infer<typeof foregroundSchema>;

export const processEventSchema = z.object({
  package: z.string().default(''),
  process: z.string().default(''),
  pid: z.number().optional(),
  /** What started it, when known: a broadcast action, a job, `LAUNCH`. */
  trigger: z.string().optional(),
  /** For a death the device's logcat reported as a crash: `crash: <exception>` or `native crash: <signal>`. */
  crash: z.string().optional(),
});
export type ProcessEvent = z.infer<typeof processEventSchema>;

/** A logcat crash record (src/evidence/types.ts AppFaultData), read as the death of the app's process. */
export const crashEventSchema = z
  .object({
    package: z.string().nullable().default(null),
    pid: z.number().nullable().default(null),
    native: z.boolean().default(false),
    summary: z.string().default(''),
  })
  .transform((c): ProcessEvent => ({
    package: c.package ?? '',
    process: c.package ?? '',
    ...(c.pid !== null ? { pid: c.pid } : {}),
    crash: `${c.native ? 'native crash' : 'crash'}: ${c.summary}`,
  }));

export const permissionStateSchema = z.object({
  /** permission → granted */
  permissions: z.record(z.string(), z.boolean()),
  /** Why the snapshot was taken: `before-update`, `after-relaunch`, … */
  when: z.string().optional(),
});
export type PermissionStateEvent = z.infer<typeof permissionStateSchema>;

export const probeUnavailableSchema = z.object({ reason: z.string().default('no reason recorded') });

/** Event types of this file, by the `type` column. */
export const UI_EVENT_TYPES = {
  window: 'window',
  consentDialog: 'consent-dialog',
  foreground: 'foreground',
  processStart: 'process-start',
  processDied: 'process-died',
  /** A crash the device's logcat showed (AppFaultData, kind crash): the app's process died. */
  appCrash: 'crash',
  permissionState: 'permission-state',
  hooksUnavailable: 'hooks-unavailable',
  trafficUnavailable: 'traffic-unavailable',
  uiUnavailable: 'ui-unavailable',
} as const;

export function boundsArea(b: Bounds): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function insideBounds(b: Bounds, x: number, y: number): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}
