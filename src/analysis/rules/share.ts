/** RULES.md §2 B: PI sent to third parties without consent (SHARE-001). */
import { z } from 'zod';
import type { FlowLink } from '../correlation.ts';
import { evidenceIds, sentence } from './common.ts';
import { defineRule, type Violation } from './types.ts';

type Reason = 'without-consent' | 'not-in-policy' | 'no-separate-consent';

export const share001 = defineRule({
  id: 'SHARE-001',
  title: 'PI sent to a third party without consent / 未经同意向他人提供',
  clauses: ['R2 五.1–2', 'R1 违规使用个人信息', 'R12 Art. 23', 'R13'],
  severity: 'C',
  params: z
    .object({
      /**
       * Cloud hosting domains where an unknown host is most likely the app's own backend (RULES.md FP
       * trap: first-party backends on aliyuncs, myqcloud). Flows there count only if the host belongs to
       * a known organisation.
       */
      cloudDomains: z
        .array(z.string())
        .default([
          'aliyuncs.com',
          'myqcloud.com',
          'qcloud.com',
          'amazonaws.com',
          'cloudfront.net',
          'azurewebsites.net',
          'googleapis.com',
          'huaweicloud.com',
          'ksyuncs.com',
          'bcebos.com',
        ]),
      /** PIPL strict mode (R12 Art. 23): after consent, a third-party transfer also needs a separate-consent marker. */
      requireSeparateConsent: z.boolean().default(false),
    })
    .strict(),
  needs: ['traffic', 'markers'],
  evaluate(ctx) {
    const cloud = new Set(ctx.params.cloudDomains.map((d) => d.toLowerCase()));
    const policy = ctx.ev.session.policySdks ? new Set(ctx.ev.session.policySdks) : null;
    const separate = ctx.ev.markers.some((m) => m.name === 'POLICY_ACCEPTED' && m.detail.separate === true);
    const groups = new Map<string, { reason: Reason; links: FlowLink[] }>();
    for (const link of ctx.correlation.links) {
      const d = link.destination;
      if (d.firstParty || (!d.org && cloud.has(d.domain))) continue;
      if (ctx.phases.ambiguous(link.flow.t)) continue;
      const state = ctx.phases.stateAt(link.flow.t).state;
      let reason: Reason | null = null;
      if (state !== 'consented') reason = 'without-consent';
      else if (policy && !(d.org && policy.has(d.org.id))) reason = 'not-in-policy';
      else if (ctx.params.requireSeparateConsent && !separate) reason = 'no-separate-consent';
      if (!reason) continue;
      const key = `${d.domain}|${reason}`;
      const g = groups.get(key);
      if (g) g.links.push(link);
      else groups.set(key, { reason, links: [link] });
    }
    const violations: Violation[] = [...groups.entries()].map(([key, g]) => {
      const first = g.links[0] as FlowLink;
      return {
        key,
        t: first.flow.t,
        severity: g.reason === 'without-consent' ? 'C' : 'H',
        evidence: evidenceIds(
          g.links.flatMap((l) => (l.read ? [l.read.id, l.flow.id] : [l.flow.id])).sort((a, b) => a - b),
        ),
        data: {
          reason: g.reason,
          domain: first.destination.domain,
          organisation: first.destination.org?.name ?? null,
          types: [...new Set(g.links.map((l) => l.type))].sort(),
          flows: new Set(g.links.map((l) => l.flow.id)).size,
          link: ctx.correlation.describe(first),
        },
      };
    });
    violations.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : 1));
    return { violations };
  },
  explain(v) {
    const who = v.data.organisation ? `${String(v.data.organisation)}, a third party` : 'a third party';
    const why =
      v.data.reason === 'without-consent'
        ? `without the user's consent`
        : v.data.reason === 'not-in-policy'
          ? 'although the privacy policy does not list this recipient'
          : `without the user's separate consent`;
    return `${sentence(String(v.data.link))} (${who}), ${why}.`;
  },
});
