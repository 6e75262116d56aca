/**
 * The JSON report: the view model minus what only the page needs (timeline bins, screenshots). The
 * shape is documented in FORMAT.md and versioned by `formatVersion`; fields are only ever added within
 * a version. No generation time is written, so the same evidence gives byte-identical reports.
 */
import { APPWARDEN_VERSION } from '../version.ts';
import { REPORT_FORMAT_VERSION, type RunView, type SessionView } from './model.ts';

export interface JsonReport {
  formatVersion: typeof REPORT_FORMAT_VERSION;
  generator: { name: 'appwarden'; version: string };
  kind: 'run' | 'session';
  /** The infrastructure outcome (`status`: did the sessions run); the verdict is `summary`. */
  run: RunView['run'];
  summary: {
    sessions: number;
    violations: number;
    notEvaluated: number;
    sessionsWithViolations: number;
    /** `violations`, `clean` (every session analysed, none found) or `not-analysed`. */
    verdict: RunView['verdict']['result'];
    bySeverity: RunView['verdict']['bySeverity'];
  };
  sessions: JsonSession[];
}

export type JsonSession = Omit<SessionView, 'timeline' | 'screens'> & {
  screens: { eventId: number; t: number; activity: string | null; screenshot: string }[];
};

export function toJsonReport(view: RunView): JsonReport {
  const sessions = view.sessions.map(({ timeline: _timeline, ...rest }) => rest);
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    generator: { name: 'appwarden', version: APPWARDEN_VERSION },
    kind: view.run ? 'run' : 'session',
    run: view.run,
    summary: {
      sessions: sessions.length,
      violations: view.verdict.violations,
      notEvaluated: view.verdict.notEvaluated,
      sessionsWithViolations: view.verdict.sessionsWithViolations,
      verdict: view.verdict.result,
      bySeverity: view.verdict.bySeverity,
    },
    sessions,
  };
}

export function renderJson(view: RunView): string {
  return `${JSON.stringify(toJsonReport(view), null, 2)}\n`;
}
