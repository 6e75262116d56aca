import type { Headers } from '../evidence/types.ts';

/** Raw header lines as the peer sent them (case and order kept, repeated names kept). */
export function headerPairs(raw: string[]): Headers {
  const out: Headers = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

export function headerValue(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The first value of a header in Node's flat raw list (`[name, value, …]`), without building pairs. */
export function rawHeaderValue(raw: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < raw.length; i += 2)
    if ((raw[i] as string).toLowerCase() === lower) return raw[i + 1];
  return undefined;
}
