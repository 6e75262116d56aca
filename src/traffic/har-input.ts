import fs from 'node:fs';
import { z } from 'zod';
import type { RequestInput } from '../analysis/matcher/index.ts';
import { ConfigError } from '../errors.ts';

/**
 * Reads the requests of a HAR 1.2 file written by any tool (Chrome DevTools, Firefox, mitmproxy's
 * `savehar`, Charles, HTTP Toolkit, appwarden itself) into matcher inputs. Lenient on purpose: optional
 * fields may be missing or null, unknown fields are kept out of the way, `postData.text` may be base64
 * (`encoding: "base64"`, as mitmproxy and HTTP Toolkit write binary bodies), and a body given only as
 * `postData.params` is rebuilt.
 */

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

const nameValueSchema = z.looseObject({ name: z.string(), value: text });

const postDataSchema = z.looseObject({
  mimeType: z.string().nullish(),
  text: z.string().nullish(),
  encoding: z.string().nullish(),
  params: z
    .array(
      z.looseObject({
        name: z.string(),
        value: text,
        fileName: z.string().nullish(),
        contentType: z.string().nullish(),
      }),
    )
    .nullish(),
});

const requestSchema = z.looseObject({
  method: z.string(),
  url: z.string(),
  headers: z.array(nameValueSchema).nullish(),
  cookies: z.array(nameValueSchema).nullish(),
  postData: postDataSchema.nullish(),
});

export const harSchema = z.looseObject({
  log: z.looseObject({
    entries: z.array(z.looseObject({ startedDateTime: z.string().nullish(), request: requestSchema })),
  }),
});

export interface HarRequest {
  /** 0-based index of the entry in `log.entries`. */
  index: number;
  startedDateTime?: string;
  request: RequestInput;
}

type PostData = z.infer<typeof postDataSchema>;

function bodyOf(post: PostData | null | undefined, headers: [string, string][]): Uint8Array | null {
  if (!post) return null;
  if (typeof post.text === 'string' && post.text.length > 0) {
    return post.encoding?.toLowerCase() === 'base64'
      ? Buffer.from(post.text, 'base64')
      : Buffer.from(post.text, 'utf8');
  }
  const params = post.params ?? [];
  if (params.length === 0) return null;
  const contentType = headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? post.mimeType ?? '';
  const boundary = /boundary\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (/multipart\//i.test(contentType) && boundary) {
    const parts = params.map((p) => {
      const file = p.fileName ? `; filename="${p.fileName}"` : '';
      const type = p.contentType ? `\r\nContent-Type: ${p.contentType}` : '';
      return `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}${type}\r\n\r\n${p.value}\r\n`;
    });
    return Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8');
  }
  return Buffer.from(
    params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value)}`).join('&'),
  );
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return `${path || '(top level)'}: ${issue.message}`;
}

/** Parses HAR text; `file` names the source in errors. */
export function parseHar(source: string, file: string): HarRequest[] {
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (err) {
    throw new ConfigError(`Failed to read HAR file ${file}: it is not JSON. Export the capture as HAR 1.2.`, {
      cause: err,
    });
  }
  const parsed = harSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(
      `Failed to read HAR file ${file}: ${first ? formatIssue(first) : 'not a HAR document'}. Export the capture as HAR 1.2.`,
      // The first issue says it all; the full ZodError would spread the one-line message over many lines.
    );
  }
  return parsed.data.log.entries.map((entry, index) => {
    const r = entry.request;
    // HTTP/2 pseudo-headers (Chrome writes `:authority`, `:path`, …) repeat what the URL already says.
    const headers: [string, string][] = (r.headers ?? [])
      .filter((h) => !h.name.startsWith(':'))
      .map((h) => [h.name, h.value]);
    const cookies = r.cookies ?? [];
    if (cookies.length > 0 && !headers.some(([k]) => k.toLowerCase() === 'cookie')) {
      headers.push(['Cookie', cookies.map((c) => `${c.name}=${c.value}`).join('; ')]);
    }
    return {
      index,
      ...(entry.startedDateTime ? { startedDateTime: entry.startedDateTime } : {}),
      request: { method: r.method, url: r.url, headers, body: bodyOf(r.postData, headers) },
    };
  });
}

export function readHarFile(file: string): HarRequest[] {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Failed to read HAR file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}. Check the path.`,
      {
        cause: err,
      },
    );
  }
  return parseHar(source, file);
}
