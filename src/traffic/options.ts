import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS } from './decode.ts';

/**
 * Options of the capture proxy, validated once where they come in (devices.yaml, CLI flags, tests).
 * Each has its default and the reason for it beside it.
 */
export const captureOptionsSchema = z.object({
  bindHost: z
    .string()
    .default('127.0.0.1')
    .describe(
      'Address the per-session listener binds to; loopback unless a device must reach it over the LAN',
    ),
  port: z.number().int().min(0).max(65535).default(0).describe('Listener port; 0 picks a free one'),
  bodyCapBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024)
    .describe('Raw bytes kept per body; beyond it the body passes through untouched and is marked truncated'),
  headersTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('A client must finish sending request headers within this time (slowloris guard)'),
  sniffTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(1_000)
    .describe(
      'After CONNECT, how long to wait for the client to speak before treating the tunnel as opaque (server-first protocols)',
    ),
  maxFramesPerSocket: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('WebSocket frames recorded per connection; later frames are counted, not stored'),
  analysisThread: z
    .boolean()
    .default(true)
    .describe(
      "Analyse flows (blob files, decoded copies, identity matching) on a shared worker thread instead of the proxy's event loop",
    ),
  decodeLimits: z
    .object({
      maxOutputBytes: z.number().int().positive(),
      maxRatio: z.number().positive(),
      ratioFloorBytes: z.number().int().nonnegative(),
    })
    .default(DEFAULT_DECODE_LIMITS)
    .describe('Bounds on decompressing a copy of a body (decompression bomb guard)'),
});

export type CaptureOptions = z.infer<typeof captureOptionsSchema>;
