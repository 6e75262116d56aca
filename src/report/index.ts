/**
 * Report formats: one renderer each over the shared view model (HAR is helper-independent: the
 * traffic module's export of the stored flows). `writeReport` is what `appwarden report` calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceStore } from '../evidence/store.ts';
import { failure, UsageError } from '../errors.ts';
import { sessionToHar } from '../traffic/har.ts';
import { renderHtml } from './html.ts';
import { imageLoader } from './images.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { buildView } from './model.ts';
import { renderSarif } from './sarif.ts';

export const REPORT_FORMATS = ['html', 'json', 'junit', 'har', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

/** The report of a session or run id as text. HAR needs a single session (HAR has one timeline). */
export function renderReport(store: EvidenceStore, id: string, format: ReportFormat): string {
  if (format === 'har') {
    if (!store.getSession(id)) {
      throw new UsageError(
        `Failed to write a HAR for ${id}: HAR holds one session's traffic. Pass a session id (\`appwarden sessions list --run ${id}\`).`,
      );
    }
    return `${JSON.stringify(sessionToHar(store, id), null, 2)}\n`;
  }
  const view = buildView(store, id);
  switch (format) {
    case 'html':
      return renderHtml(
        view,
        imageLoader((h) => store.readBlob(h)),
      );
    case 'json':
      return renderJson(view);
    case 'junit':
      return renderJunit(view);
    case 'sarif':
      return renderSarif(view);
  }
}

/** Writes the report to `out` (created with its folder); returns the absolute path and size. */
export function writeReport(
  store: EvidenceStore,
  id: string,
  format: ReportFormat,
  out: string,
): { path: string; bytes: number } {
  const text = renderReport(store, id, format);
  const file = path.resolve(out);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (err) {
    throw failure('write', `report ${file}`, (err as Error).message, 'Choose another --out path.', err);
  }
  return { path: file, bytes: Buffer.byteLength(text) };
}
