import { z } from 'zod';
import { expected } from '../../config/problems.ts';
import { NATIVE_SIGNALS } from '../device/faults.ts';

/**
 * The app model format (`assets/appwarden-sim.yaml`), documented for users in ./README.md.
 * Every object is strict: an unknown key is a positioned error with a suggestion.
 */

/** `5s`, `200ms`, `1.5m` or a number of seconds → milliseconds. */
export const durationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(/^\d+(?:\.\d+)?(?:ms|s|m)$/, { error: expected("a duration like '2s' or '500ms'") }),
  ])
  .transform((v) => {
    if (typeof v === 'number') return v * 1000;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v) as RegExpExecArray;
    const n = Number(m[1]);
    return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
  });

const styleSchema = z
  .object({
    background: z.string().optional(),
    color: z.string().optional(),
    fontSize: z.number().positive().optional(),
    bold: z.boolean().optional(),
    align: z.enum(['left', 'center', 'right']).optional(),
    radius: z.number().nonnegative().optional(),
  })
  .strict();

const boundsSchema = z.tuple([z.int(), z.int(), z.int(), z.int()], {
  error: expected('[left, top, right, bottom] in pixels'),
});

/** Identity fields and variables go in with `${name}` or `${name|md5|base64}` (see template.ts). */
const templated = z.string();

export const SENSOR_TYPES = ['accelerometer', 'gyroscope', 'linear_acceleration', 'gravity'] as const;
export const BODY_ENCODINGS = ['json', 'form', 'gzip', 'base64'] as const;

const framesSchema = z.array(z.string().min(1)).min(1);

export interface Action {
  show?: string;
  dialog?: string;
  close?: string | true;
  requestPermissions?: { permissions: string[]; onGranted?: Action[]; onDenied?: Action[] };
  call?: { api: string; args?: unknown[]; from?: string[]; thread?: string; as?: string };
  send?: SendSpec;
  start?: { package: string; from?: string[] };
  exit?: true;
  registerSensor?: { sensor: (typeof SENSOR_TYPES)[number]; from?: string[] };
  after?: { delay: number; do: Action[] };
  set?: Record<string, string | number | boolean>;
  if?: { key: string; equals?: string | number | boolean; then?: Action[]; else?: Action[] };
  log?: string;
  crash?: CrashAction;
  anr?: { reason?: string; after: number };
}

/** `crash:` — an uncaught Java exception, or a native fatal signal when `signal` is given. */
export interface CrashAction {
  exception: string;
  message?: string;
  signal?: (typeof NATIVE_SIGNALS)[number];
  thread?: string;
  from?: string[];
}

export interface SendSpec {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  encode?: (typeof BODY_ENCODINGS)[number][];
  from?: string[];
}

const sendSchema = z
  .object({
    method: z
      .string()
      .regex(/^[A-Z]+$/, { error: expected('an HTTP method in capitals') })
      .default('POST'),
    url: templated.regex(/^https?:\/\/[^/\s]+/, { error: expected('an http:// or https:// URL') }),
    headers: z.record(z.string(), templated).optional(),
    body: z.unknown().optional(),
    encode: z.array(z.enum(BODY_ENCODINGS)).optional(),
    from: framesSchema.optional(),
  })
  .strict();

const ACTION_KEYS = [
  'show',
  'dialog',
  'close',
  'requestPermissions',
  'call',
  'send',
  'start',
  'exit',
  'registerSensor',
  'after',
  'set',
  'if',
  'log',
  'crash',
  'anr',
] as const;

export const actionsSchema: z.ZodType<Action[]> = z.lazy(() => z.array(actionSchema));

const actionSchema: z.ZodType<Action> = z.lazy(() =>
  z
    .object({
      show: z.string().min(1).optional(),
      dialog: z.string().min(1).optional(),
      close: z.union([z.string().min(1), z.literal(true)]).optional(),
      requestPermissions: z
        .union([
          z.array(z.string().min(1)).min(1),
          z
            .object({
              permissions: z.array(z.string().min(1)).min(1),
              onGranted: actionsSchema.optional(),
              onDenied: actionsSchema.optional(),
            })
            .strict(),
        ])
        .transform((v) => (Array.isArray(v) ? { permissions: v } : v))
        .optional(),
      call: z
        .union([
          z.string().min(1),
          z
            .object({
              api: z.string().regex(/^[\w$.]+\.[\w$<>]+$/, {
                error: expected("'package.Class.method'"),
              }),
              args: z.array(z.unknown()).optional(),
              from: framesSchema.optional(),
              thread: z.string().optional(),
              as: z.string().regex(/^\w+$/).optional(),
            })
            .strict(),
        ])
        .transform((v) => (typeof v === 'string' ? { api: v } : v))
        .optional(),
      send: sendSchema.optional(),
      start: z
        .union([
          z.string().min(1),
          z.object({ package: z.string().min(1), from: framesSchema.optional() }).strict(),
        ])
        .transform((v) => (typeof v === 'string' ? { package: v } : v))
        .optional(),
      exit: z.literal(true).optional(),
      registerSensor: z
        .union([
          z.enum(SENSOR_TYPES),
          z.object({ sensor: z.enum(SENSOR_TYPES), from: framesSchema.optional() }).strict(),
        ])
        .transform((v) => (typeof v === 'string' ? { sensor: v } : v))
        .optional(),
      after: z.object({ delay: durationSchema, do: actionsSchema }).strict().optional(),
      set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      if: z
        .object({
          key: z.string().min(1),
          equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
          then: actionsSchema.optional(),
          else: actionsSchema.optional(),
        })
        .strict()
        .optional(),
      log: z.string().optional(),
      crash: z
        .union([
          z.literal(true),
          z.string().regex(/^[\w$.]+$/, {
            error: expected('an exception class like java.lang.IllegalStateException'),
          }),
          z
            .object({
              exception: z
                .string()
                .regex(/^[\w$.]+$/)
                .optional(),
              message: z.string().optional(),
              signal: z.enum(NATIVE_SIGNALS).optional(),
              thread: z.string().min(1).optional(),
              from: framesSchema.optional(),
            })
            .strict(),
        ])
        .transform((v): CrashAction => {
          if (v === true) return { exception: 'java.lang.RuntimeException' };
          if (typeof v === 'string') return { exception: v };
          return { ...v, exception: v.exception ?? 'java.lang.RuntimeException' };
        })
        .optional(),
      anr: z
        .union([
          z.literal(true),
          z.object({ reason: z.string().optional(), after: durationSchema.optional() }).strict(),
        ])
        .transform((v) => ({
          ...(v === true || v.reason === undefined ? {} : { reason: v.reason }),
          // Android's input dispatch timeout.
          after: v === true ? 5000 : (v.after ?? 5000),
        }))
        .optional(),
    })
    .strict()
    .superRefine((a, ctx) => {
      const keys = ACTION_KEYS.filter((k) => (a as Record<string, unknown>)[k] !== undefined);
      if (keys.length !== 1)
        ctx.addIssue({
          code: 'custom',
          message:
            keys.length === 0
              ? `expected one action (${ACTION_KEYS.join(', ')})`
              : `one action per list item, got ${keys.join(' and ')}`,
        });
    }),
);

const elementSchema = z
  .object({
    id: z.string().min(1).optional(),
    class: z.string().min(1).optional(),
    text: z.string().optional(),
    desc: z.string().optional(),
    hint: z.string().optional(),
    bounds: boundsSchema.optional(),
    /** Height in auto layout (elements without bounds stack from the top). */
    height: z.int().positive().optional(),
    clickable: z.boolean().optional(),
    checkable: z.boolean().optional(),
    checked: z.boolean().optional(),
    enabled: z.boolean().optional(),
    password: z.boolean().optional(),
    scrollable: z.boolean().optional(),
    style: styleSchema.optional(),
    onTap: actionsSchema.optional(),
  })
  .strict();

export type ElementDef = z.output<typeof elementSchema>;

const screenSchema = z
  .object({
    title: z.string().optional(),
    background: z.string().optional(),
    elements: z.array(elementSchema).default([]),
  })
  .strict();

const dialogSchema = z
  .object({
    title: z.string().optional(),
    background: z.string().optional(),
    bounds: boundsSchema.optional(),
    dim: z.boolean().default(true),
    /** BACK closes it (Dialog.setCancelable). */
    cancelable: z.boolean().default(true),
    elements: z.array(elementSchema).default([]),
  })
  .strict();

export type ScreenDef = z.output<typeof screenSchema>;
export type DialogDef = z.output<typeof dialogSchema>;

const pinSchema = z
  .object({
    host: z.string().min(1),
    sha256: z
      .array(z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { error: expected('a base64 SHA-256 SPKI hash') }))
      .min(1),
  })
  .strict();

export const modelSchema = z
  .object({
    app: z.string().regex(/^[A-Za-z][\w]*(?:\.[A-Za-z][\w]*)+$/, { error: expected('a package name') }),
    label: z.string().optional(),
    about: z.string().optional(),
    network: z
      .object({
        /** networkSecurityConfig trusting user CAs; default: only when targetSdk < 24 (Android 7 rule). */
        trustUserCerts: z.boolean().optional(),
        pins: z.array(pinSchema).default([]),
      })
      .strict()
      .default({ pins: [] }),
    screens: z.record(z.string(), screenSchema).default({}),
    dialogs: z.record(z.string(), dialogSchema).default({}),
    on: z
      .object({
        launch: actionsSchema.optional(),
        foreground: actionsSchema.optional(),
        background: actionsSchema.optional(),
        permissionResult: z
          .object({ granted: actionsSchema.optional(), denied: actionsSchema.optional() })
          .strict()
          .optional(),
        shake: z.object({ threshold: z.number().positive(), do: actionsSchema }).strict().optional(),
      })
      .strict()
      .default({}),
    timers: z
      .array(
        z
          .object({
            every: durationSchema,
            while: z.enum(['foreground', 'background', 'always']).default('always'),
            do: actionsSchema,
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type AppModel = z.output<typeof modelSchema>;
