/**
 * JUnit XML for CI: one testsuite per session, one testcase per session × rule. A violation is a
 * failure (every finding of the rule in its body), not evaluated is skipped with the reason — never
 * a pass —, a rule the settings disabled is skipped saying so, and a rule without findings passes only
 * when the session was analysed.
 */
import type { RunView, SessionView } from './model.ts';

// XML 1.0 forbids most C0 controls even as character references; they are shown as U+FFFD.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function xml(s: string): string {
  return s.replace(XML_INVALID, '\ufffd').replace(/[&<>"']/g, (c) => XML_ENTITIES[c] as string);
}

function suiteName(s: SessionView): string {
  return `${s.session.target} — ${s.session.scenario} on ${s.session.device} (${s.session.deviceKind})`;
}

function sessionSuite(s: SessionView): string {
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  for (const r of s.rules) {
    const name = `${r.id} ${r.title}`;
    const open = `    <testcase classname="${xml(`appwarden.${s.session.id}`)}" name="${xml(name)}" time="0">`;
    if (r.outcome === 'violation') {
      failures++;
      const own = s.findings.filter((f) => f.rule === r.id && f.status === 'violation');
      const first = own[0];
      const body = own
        .map(
          (f) =>
            `[${f.severity}] ${f.explanation} (evidence: ${f.evidence.join(', ') || 'none'}; clauses: ${f.clauses.join(', ')})`,
        )
        .join('\n');
      cases.push(
        `${open}\n      <failure message="${xml(first?.explanation ?? r.title)}" type="${xml(first?.severity ?? r.severity)}">${xml(body)}</failure>\n    </testcase>`,
      );
    } else if (r.outcome === 'disabled') {
      skipped++;
      cases.push(
        `${open}\n      <skipped message="${xml(r.reasons.join('; ') || 'disabled by the rules settings')}"/>\n    </testcase>`,
      );
    } else if (r.outcome === 'not-evaluated' || r.outcome === 'not-analysed') {
      skipped++;
      const why =
        r.outcome === 'not-analysed'
          ? 'the session has not been analysed'
          : `not evaluated: ${r.reasons.join('; ')}`;
      cases.push(`${open}\n      <skipped message="${xml(why)}"/>\n    </testcase>`);
    } else {
      cases.push(`${open}</testcase>`);
    }
  }
  const props = [
    ['session', s.session.id],
    ['run', s.session.run],
    ['deviceKind', s.session.deviceKind],
    ['capabilities', s.session.capabilities.join(',')],
    ['status', s.session.status],
  ]
    .map(([k, v]) => `      <property name="${xml(k as string)}" value="${xml(v as string)}"/>`)
    .join('\n');
  return [
    `  <testsuite name="${xml(suiteName(s))}" tests="${s.rules.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    `    <properties>\n${props}\n    </properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(view: RunView): string {
  const suites = view.sessions.map(sessionSuite);
  const name = view.run
    ? `appwarden run ${view.run.id}`
    : `appwarden session ${view.sessions[0]?.session.id ?? ''}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
