import { defineExecutor, StepFailed } from './define.ts';

/** Finds the privacy dialog unaided (the watcher marks POLICY_SHOWN), taps accept or refuse. */
export const consent = defineExecutor({
  name: 'consent',
  async run(j, o) {
    const screen = await j.watchFor(o.timeout * 1000, (s) => s.consent !== null);
    if (!screen?.consent) {
      if (o.optional) return { result: 'skipped', note: `no privacy dialog within ${o.timeout} s` };
      throw new StepFailed(`no privacy-policy dialog appeared within ${o.timeout} s`);
    }
    const c = screen.consent;
    const button = o.answer === 'accept' ? c.accept : c.refuse;
    if (!button) {
      const labels = c.buttons.map((b) => b.text || b.desc).join(', ');
      throw new StepFailed(`the privacy dialog has no ${o.answer} button (buttons: ${labels || 'none'})`);
    }
    const at = await j.tapNode(button, { target: o.answer });
    j.mark(
      o.answer === 'accept' ? 'POLICY_ACCEPTED' : 'POLICY_REFUSED',
      button.text || button.desc,
      { words: c.policyWords },
      'journey',
      at,
    );
    await j.look();
  },
});
