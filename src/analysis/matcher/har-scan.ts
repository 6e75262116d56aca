import fs from 'node:fs';
import { identitySchema, type Identity } from '../../config/identity.ts';
import { ConfigError } from '../../errors.ts';
import type { Match } from '../../evidence/types.ts';
import type { HarRequest } from '../../traffic/har-input.ts';
import { classifyDestination, type Destination } from '../destination/index.ts';
import { compileIdentity, type MatcherOptions } from './compile.ts';
import { scanRequest } from './scan.ts';

/** Offline scan of captured requests (`appwarden traffic scan`): the matches of every request, with its destination. */

export interface ScannedFlow {
  /** 0-based index of the HAR entry. */
  flow: number;
  method: string;
  url: string;
  destination: Destination;
  matches: Match[];
}

export interface HarScanOptions {
  /** The app's own domains, for first/third party. */
  appDomains?: string[];
  matcher?: MatcherOptions;
}

/** Reads and validates identity.json; errors name the file and the offending field. */
export function readIdentityFile(file: string): Identity {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'it is not JSON';
    throw new ConfigError(
      `Failed to read identity file ${file}: ${reason}. Pass an identity.json (DESIGN.md "Identity file").`,
      {
        cause: err,
      },
    );
  }
  const parsed = identitySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new ConfigError(
      `Failed to read identity file ${file}: ${where}: ${issue?.message ?? 'invalid'}. Fix the field or remove it.`,
      // The first issue says it all; the full ZodError would spread the one-line message over many lines.
    );
  }
  return parsed.data;
}

/** Flows with at least one match, in HAR order. */
export function scanHarRequests(
  requests: HarRequest[],
  identity: Identity,
  options: HarScanOptions = {},
): ScannedFlow[] {
  const ci = compileIdentity(identity, options.matcher);
  const out: ScannedFlow[] = [];
  for (const { index, request } of requests) {
    const matches = scanRequest(ci, request);
    if (matches.length === 0) continue;
    out.push({
      flow: index,
      method: request.method,
      url: request.url,
      destination: classifyDestination(request.url, options.appDomains ?? []),
      matches,
    });
  }
  return out;
}

/** The `--json` shape of `traffic scan`. */
export function scanJson(flows: ScannedFlow[]): {
  matches: { flow: number; type: string; encoding: string; where: string; path?: string }[];
} {
  return {
    matches: flows.flatMap((f) =>
      f.matches.map((m) => ({
        flow: f.flow,
        type: m.type,
        encoding: m.encoding,
        where: m.where,
        ...(m.path === undefined ? {} : { path: m.path }),
      })),
    ),
  };
}
