/**
 * The findings table a terminal shows at the end of `run` (and wherever a plain-text summary is
 * wanted): one row per violation, not-evaluated rules counted per session. App strings are passed
 * through `neutralise` so a bidi override cannot reorder the terminal line.
 */
import Table from 'cli-table3';
import { cap, neutralise } from './escape.ts';
import type { RunView } from './model.ts';

const plain = (s: string, max = 400): string => neutralise(cap(s, max));

export function renderFindingsTable(view: RunView): string {
  const table = new Table({
    head: ['session', 'target', 'rule', 'sev', 'finding', 'evidence'],
    colWidths: [14, 22, 18, 5, 64, 14],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  let rows = 0;
  for (const s of view.sessions) {
    for (const f of s.findings) {
      if (f.status !== 'violation') continue;
      rows++;
      const ev = f.evidence.length > 3 ? `${f.evidence.slice(0, 3).join(',')},…` : f.evidence.join(',');
      table.push([s.session.id, plain(s.session.target, 80), f.rule, f.severity, plain(f.explanation), ev]);
    }
  }
  const lines = view.sessions.map(
    (s) =>
      `${s.session.id} (${plain(s.session.target, 80)} / ${plain(s.session.scenario, 80)} on ${s.session.deviceKind}): ${
        s.verdict.result === 'not-analysed' ? 'not analysed' : `${s.verdict.violations} violations`
      }, ${s.verdict.notEvaluated} not evaluated`,
  );
  return `${rows > 0 ? `${table.toString()}\n` : 'No violations.\n'}${lines.join('\n')}\n`;
}
