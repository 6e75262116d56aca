import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FarmDevice } from '../../src/farm/farm.ts';
import { planHooks, type HooksPlan } from '../../src/farm/hooks.ts';
import { createScenarioRunner } from '../../src/ui/runner.ts';
import { dataDir, markers, PKG, run, simDevice, simHandle, store, useSim } from './helpers.ts';

/**
 * Who made a prompt appear (PERM_PROMPT `requestedBy`), and prompts left unanswered at the end of a
 * session: the farm reuses sims, so the next session on the same sim must get its own prompts.
 */
useSim('journeys-prompts');

function scenarioFile(name: string, steps: string[]) {
  const file = path.join(dataDir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    ['kind: scenario', `name: ${name}`, 'steps:', ...steps.map((s) => `  - ${s}`), ''].join('\n'),
  );
  return createScenarioRunner(file);
}

const prompts = (session: string) => markers(session).filter((m) => m.name === 'PERM_PROMPT');

describe('permission prompts on a sim', () => {
  it('a prompt left open at the end of a session does not block the next session on the same sim', async () => {
    // Accepting makes the app request READ_CONTACTS; nobody answers (default policy, no permission step).
    const leave = scenarioFile('leave-prompt', [
      'launchApp: {clearState: true}',
      'consent: {answer: accept}',
      'wait: 1',
    ]);
    expect(await run('leave', leave)).toMatchObject({ kind: 'done', status: 'passed' });
    expect(prompts('leave')).toHaveLength(1);

    const answer = scenarioFile('answer-prompt', [
      'launchApp: {clearState: true}',
      'consent: {answer: accept}',
      'permission: {answer: deny, timeout: 5}',
    ]);
    const outcome = await run('answer', answer);
    expect(outcome).toMatchObject({ kind: 'done', status: 'passed' });
    expect(markers('answer').map((m) => m.name)).toEqual(
      expect.arrayContaining(['PERM_PROMPT', 'PERM_DENIED']),
    );
  }, 60_000);

  it("marks the app's own request requestedBy 'app' (its grant-activity start in logcat)", () => {
    // The prompt of the previous test's second session: the app asked after the accept.
    expect(prompts('answer')[0]?.detail).toMatchObject({
      requestedBy: 'app',
      requestedVia: 'logcat',
      permissions: ['android.permission.READ_CONTACTS'],
    });
  });

  it("marks a prompt the system showed on its own requestedBy 'os'", async () => {
    const refuse = scenarioFile('os-prompt', [
      'launchApp: {clearState: true}',
      'consent: {answer: refuse}',
      'permission: {answer: allow, timeout: 10}',
    ]);
    const p = run('os', refuse);
    // After the refusal the app asks for nothing; the system then asks on its behalf.
    const refused = () => store.getSession('os') && markers('os').some((m) => m.name === 'POLICY_REFUSED');
    for (let i = 0; i < 200 && !refused(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(refused()).toBe(true);
    void simDevice().ui.permissions.requestForOther(PKG, ['android.permission.ACCESS_FINE_LOCATION'], '示例');
    expect(await p).toMatchObject({ kind: 'done', status: 'passed' });
    const [prompt, ...more] = prompts('os');
    expect(more).toEqual([]);
    expect(prompt?.arg).toBe('android.permission.ACCESS_FINE_LOCATION');
    expect(prompt?.detail).toMatchObject({ requestedBy: 'os', requestedVia: 'logcat' });
    expect(store.getSession('os')?.status).toBe('passed');
  }, 60_000);

  it("marks requestedBy 'app' from the hooks when the session feeds the journey their requests", async () => {
    // The session (src/farm/session.ts) routes the hooks' writes through its permission-request tap
    // and hands the journey the feed; nothing here wires it by hand.
    const hooks: HooksPlan = await planHooks({ sim: simHandle() } as FarmDevice);
    const answer = scenarioFile('answer-hooked', [
      'launchApp: {clearState: true}',
      'consent: {answer: accept}',
      'permission: {answer: deny, timeout: 5}',
    ]);
    expect(await run('hooked', answer, undefined, { hooks })).toMatchObject({
      kind: 'done',
      status: 'passed',
    });
    const requests = store
      .events('hooked', { type: 'api' })
      .filter((e) => (e.data as { category: string }).category === 'permission-request');
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(prompts('hooked')[0]?.detail).toMatchObject({ requestedBy: 'app', requestedVia: 'hooks' });
  }, 60_000);
});
