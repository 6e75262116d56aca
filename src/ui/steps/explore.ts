import { startApp } from '../../device/ops/activity.ts';
import { EXPLORE_AVOID } from '../data/explore-avoid.ts';
import type { PageNode } from '../page.ts';
import type { Journey } from '../journey.ts';
import type { StepOptions } from '../../config/steps/index.ts';
import { defineExecutor } from './define.ts';

/** mulberry32: a small seeded PRNG, so the same seed explores in the same order. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function avoided(n: PageNode, extra: readonly string[]): string | undefined {
  const label = `${n.text} ${n.desc}`.toLowerCase();
  const hit = [...EXPLORE_AVOID.map((a) => a.text), ...extra].find((w) => label.includes(w.toLowerCase()));
  return hit;
}

/**
 * Bounded breadth-first exploration: on each screen, tap the clickable elements not tapped yet (in a
 * seeded order), never one whose text is on the avoid list; back out of other apps; go back when a
 * screen has nothing left. Policy dialogs are handled by the watchers; permission prompts are answered by
 * the scenario's policy, or denied under `default`.
 */
export const explore = defineExecutor({
  name: 'explore',
  async run(j, o) {
    // An explicit policy rules the watcher too while exploring (it answers the first prompt of a pair).
    const launchPolicy = j.policy;
    if (o.permissions !== undefined) j.policy = o.permissions;
    try {
      return await exploreScreens(j, o);
    } finally {
      j.policy = launchPolicy;
    }
  },
});

async function exploreScreens(j: Journey, o: StepOptions<'explore'>) {
  const random = rng(o.seed);
  const tapped = new Set<string>();
  const skipped = new Set<string>();
  let taps = 0;
  let stuck = 0;
  while (taps < o.maxSteps && stuck < 3) {
    j.checkAborted();
    const s = await j.look();
    if (s.prompt) {
      // The watcher answered the first prompt by the scenario's policy (launchApp.permissions), but a
      // prompt right behind it (the next group) is left to us: answer it by the same policy. Under
      // `default` nobody else answers: deny, as a cautious user would.
      const policy = j.policyAnswer();
      await j.answerPrompt(s.prompt, policy ?? 'deny', policy ? 'policy' : 'step');
      continue;
    }
    if (s.pkg !== j.pkg) {
      stuck++;
      await j.driver.key('KEYCODE_BACK');
      await j.sleep(300);
      const again = await j.look();
      if (again.pkg !== j.pkg) await startApp(j.ctx.device, j.pkg);
      continue;
    }
    const key = (n: PageNode) => `${s.page.shape}|${n.id}|${n.text}|${n.desc}|${n.bounds.join(',')}`;
    const candidates = s.page.nodes
      .filter((n) => n.clickable && n.enabled && n.pkg === j.pkg && !tapped.has(key(n)))
      .filter((n) => {
        const why = avoided(n, o.avoid);
        if (why && !skipped.has(key(n))) {
          skipped.add(key(n));
          j.event('explore-avoided', { text: n.text, desc: n.desc, matched: why }, 'journey');
        }
        return !why;
      })
      // Seed 0 keeps document order (top to bottom); another seed shuffles it reproducibly.
      .map((n) => ({ n, r: o.seed === 0 ? n.order : random() }))
      .sort((a, b) => a.r - b.r);
    const next = candidates[0]?.n;
    if (!next) {
      stuck++;
      await j.driver.key('KEYCODE_BACK');
      await j.sleep(300);
      continue;
    }
    stuck = 0;
    tapped.add(key(next));
    await j.tapNode(next, { explore: true });
    taps++;
    await j.sleep(300);
  }
  return { result: 'ok' as const, note: `${taps} taps, ${skipped.size} avoided` };
}
