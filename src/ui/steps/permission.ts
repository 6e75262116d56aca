import { defineExecutor, StepFailed } from './define.ts';

/** Answers whatever system permission dialog is showing (the watcher has marked PERM_PROMPT). */
export const permission = defineExecutor({
  name: 'permission',
  async run(j, o) {
    const screen = await j.watchFor(o.timeout * 1000, (s) => s.prompt !== null);
    if (!screen?.prompt) {
      if (o.optional) return { result: 'skipped', note: `no permission dialog within ${o.timeout} s` };
      throw new StepFailed(`no permission dialog appeared within ${o.timeout} s`);
    }
    await j.answerPrompt(screen.prompt, o.answer, 'step');
    await j.look();
  },
});
