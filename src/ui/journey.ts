import type { WindowEvent } from '../analysis/ui-events.ts';
import type { Scenario } from '../config/scenario.ts';
import type { ScenarioContext } from '../farm/session.ts';
import { childLog } from '../log.ts';
import { GROUP_PERMISSIONS } from './data/permission-dialogs.ts';
import { PromptOrigins } from './prompt-origin.ts';
import { requestedRuntimePermissions } from './requested.ts';
import { consentDialogEvent, detectConsent, type ConsentScreen } from './consent.ts';
import type { UiDriver } from './driver.ts';
import { centre, nodeInfo, parsePage, type Page, type PageNode } from './page.ts';
import {
  buttonFor,
  detectPermissionPrompt,
  type PermissionAnswer,
  type PermissionPrompt,
} from './permission-dialog.ts';
import { isCloseCandidate, WindowTracker } from './windows.ts';

const log = childLog({ part: 'journey' });

/** How often waiting steps look at the screen (permission prompts, policy dialogs, new windows). */
export const WATCH_INTERVAL_MS = 500;

export type LaunchPermissions = 'default' | 'grantAll' | 'denyAll';

/** One look at the screen, with what the watchers made of it. */
export interface Screen {
  page: Page;
  pkg: string;
  activity: string;
  consent: ConsentScreen | null;
  prompt: PermissionPrompt | null;
  t: number;
}

export class JourneyAborted extends Error {
  constructor(reason: unknown) {
    super(`the run was stopped (${reason instanceof Error ? reason.message : String(reason ?? 'aborted')})`);
  }
}

/**
 * The state of one journey: the UI driver, the session's writer, and the watchers that run on every
 * look at the screen — the permission watcher (answers prompts per the scenario's policy and marks
 * them), the consent detector (POLICY_SHOWN + `consent-dialog` at first render) and the window
 * tracker. Steps act through it, so every step gets the same watching.
 */
export class Journey {
  /** Set by launchApp; `default` leaves prompts for the `permission` step. */
  policy: LaunchPermissions = 'default';
  readonly windows: WindowTracker;
  /** The prompt on screen already marked PERM_PROMPT (key), so one prompt is one marker. */
  #promptKey: string | null = null;
  #consentKey: string | null = null;
  #screenSize: { width: number; height: number } | undefined;
  #density: Promise<number | undefined> | undefined;
  /** Runtime permissions the app requests (read once, after install), to name a prompt's permissions. */
  #requested: Promise<string[] | null> | undefined;
  /** Nesting of runFlow files, to refuse cycles. */
  readonly flowStack: string[] = [];
  /** Who made each prompt appear (PERM_PROMPT `detail.requestedBy`). */
  readonly origins: PromptOrigins;

  constructor(
    readonly ctx: ScenarioContext,
    readonly driver: UiDriver,
    readonly scenario: Scenario,
  ) {
    this.windows = new WindowTracker((data: WindowEvent) => this.event('window', data));
    // The farm may feed the journey the app's requestPermissions calls its hooks recorded.
    this.origins = new PromptOrigins(ctx.device, ctx.pkg, ctx.permissionRequests);
  }

  get pkg(): string {
    return this.ctx.pkg;
  }

  now(): number {
    return this.ctx.clock.now();
  }

  /** `at`: when the user acted, if earlier than now (a tap is marked when it was issued, not when it returned). */
  mark(
    name: string,
    arg?: string,
    detail?: Record<string, unknown>,
    source: 'journey' | 'ui' = 'journey',
    at?: number,
  ): number {
    const data: Record<string, unknown> = { name };
    if (arg !== undefined) data.arg = arg;
    if (detail !== undefined) data.detail = detail;
    return this.ctx.writer.appendEvent({
      session: this.ctx.session,
      t: at ?? this.now(),
      source,
      type: 'marker',
      data,
    });
  }

  event(type: string, data: unknown, source: 'journey' | 'ui' = 'ui'): number {
    return this.ctx.writer.appendEvent({ session: this.ctx.session, t: this.now(), source, type, data });
  }

  checkAborted(): void {
    if (this.ctx.signal.aborted) throw new JourneyAborted(this.ctx.signal.reason);
  }

  async screenSize(): Promise<{ width: number; height: number }> {
    this.#screenSize ??= await this.driver.screenSize();
    return this.#screenSize;
  }

  async screenshotBlob(): Promise<string | null> {
    try {
      return this.ctx.writer.putBlob(await this.driver.screenshot());
    } catch (err) {
      log.debug({ err }, 'screenshot failed; the snapshot keeps its page source');
      return null;
    }
  }

  /** Page source + screenshot + focus into a `ui` snapshot row (steps call it before and after). */
  async snapshot(meta: Record<string, unknown>): Promise<Screen> {
    const screen = await this.look({ answer: false });
    const shot = await this.screenshotBlob();
    this.ctx.writer.appendUiSnapshot({
      session: this.ctx.session,
      t: screen.t,
      package: screen.pkg || null,
      activity: screen.activity || null,
      source: this.ctx.writer.putBlob(Buffer.from(screen.page.xml)),
      screenshot: shot,
      meta,
    });
    return screen;
  }

  /**
   * Looks at the screen once and runs the watchers. With `answer` (the default) a permission prompt is
   * answered per the launch policy; under `default` it is left for a `permission` step.
   */
  async look(opts: { answer?: boolean } = {}): Promise<Screen> {
    const [xml, focus] = await Promise.all([this.driver.pageSource(), this.driver.focus()]);
    const t = this.now();
    const page = parsePage(xml);
    const prompt = detectPermissionPrompt(page);
    const consent = prompt ? null : detectConsent(page);
    const screen: Screen = { page, pkg: page.pkg || focus.pkg, activity: focus.activity, consent, prompt, t };
    await this.windows.observe(
      {
        page,
        pkg: screen.pkg,
        appPkg: this.pkg,
        activity: focus.activity,
        screen: await this.screenSize(),
        density: await (this.#density ??= this.driver.density().catch((err: unknown) => {
          log.debug({ err }, 'no display density');
          return undefined;
        })),
      },
      t,
      () => this.screenshotBlob(),
    );
    this.#watchConsent(screen);
    if (prompt) {
      const key = `${prompt.group}|${prompt.message}`;
      if (this.#promptKey !== key) {
        this.#promptKey = key;
        const subject = await this.promptSubject(prompt);
        const members = new Set(
          (GROUP_PERMISSIONS[prompt.group] ?? []).map((p) => `android.permission.${p}`),
        );
        const origin = await this.origins.of(members, t, subject.declared);
        this.mark(
          'PERM_PROMPT',
          subject.arg,
          {
            ...subject.detail,
            message: prompt.message,
            dialog: prompt.pkg,
            ...(origin.requestedBy ? { requestedBy: origin.requestedBy, requestedVia: origin.via } : {}),
          },
          'ui',
          t,
        );
      } else this.origins.still(t);
      const policyAnswer = this.policyAnswer();
      if ((opts.answer ?? true) && policyAnswer) {
        await this.answerPrompt(prompt, policyAnswer, 'policy');
        return this.look({ answer: false });
      }
    } else {
      this.#promptKey = null;
    }
    return screen;
  }

  /** How the scenario's permission policy answers a prompt; undefined under `default` (a step decides). */
  policyAnswer(): PermissionAnswer | undefined {
    return this.policy === 'grantAll' ? 'allow' : this.policy === 'denyAll' ? 'deny' : undefined;
  }

  /**
   * What a prompt's markers say: `arg` = the first permission of the prompt's group the app requests
   * (rules key on permissions), `detail.group` and `detail.permissions` = the group and all of them.
   */
  async promptSubject(
    prompt: PermissionPrompt,
  ): Promise<{ arg?: string; detail: Record<string, unknown>; declared?: boolean }> {
    this.#requested ??= requestedRuntimePermissions(this.ctx.device, this.pkg).catch((err: unknown) => {
      log.debug({ err }, 'could not read the requested permissions; prompts are marked by group');
      return null;
    });
    const members = new Set((GROUP_PERMISSIONS[prompt.group] ?? []).map((p) => `android.permission.${p}`));
    const requested = await this.#requested;
    const permissions = (requested ?? []).filter((p) => members.has(p));
    const arg = permissions[0] ?? (prompt.group || undefined);
    return {
      ...(arg !== undefined ? { arg } : {}),
      detail: { group: prompt.group || null, permissions },
      // Whether the app declares any permission of the prompt's group (unknown: no list, or no group).
      ...(requested !== null && members.size > 0 ? { declared: permissions.length > 0 } : {}),
    };
  }

  #watchConsent(screen: Screen): void {
    if (!screen.consent) {
      this.#consentKey = null;
      return;
    }
    const key = screen.page.shape;
    if (this.#consentKey === key) return;
    this.#consentKey = key;
    const c = screen.consent;
    this.mark('POLICY_SHOWN', c.policyWords[0], { words: c.policyWords, package: screen.pkg }, 'ui');
    this.event('consent-dialog', consentDialogEvent(c, null));
  }

  /** Taps the prompt's button for `answer` and marks PERM_GRANTED / PERM_DENIED. */
  async answerPrompt(
    prompt: PermissionPrompt,
    answer: PermissionAnswer,
    by: 'step' | 'policy',
  ): Promise<void> {
    const button = buttonFor(prompt, answer);
    if (!button) {
      throw new Error(
        `Failed to answer the permission dialog '${prompt.message}': it has no '${answer}' button (buttons: ${Object.keys(prompt.buttons).join(', ')}).`,
      );
    }
    const at = await this.tapNode(button, { target: 'permission', answer });
    const granted = answer === 'allow' || answer === 'allowOnce';
    const subject = await this.promptSubject(prompt);
    this.mark(
      granted ? 'PERM_GRANTED' : 'PERM_DENIED',
      subject.arg,
      { ...subject.detail, answer, by, message: prompt.message },
      'journey',
      at,
    );
    this.#promptKey = null;
  }

  /** Taps a node's centre and marks TAP with the node (ui-events.ts TAP detail). */
  async tapNode(n: PageNode, extra: Record<string, unknown> = {}): Promise<number> {
    const { x, y } = centre(n.bounds);
    // The app reacts while the tap is in flight (through Appium and ADB that can take a second on a
    // loaded host): the user acted when the tap was issued, so that is the marker's time. Stamping it on
    // return made reads right after an accept look like reads before consent.
    const at = this.now();
    await this.driver.tap(x, y);
    // UX-POPUP-001 / DECEIVE-JUMP-001 read what was tapped: a close or skip control.
    const label = `${n.text} ${n.desc} ${n.id}`;
    const target = isCloseCandidate(n) ? (/跳过|skip/i.test(label) ? 'skip' : 'close') : undefined;
    this.mark(
      'TAP',
      n.text || n.desc || n.id || undefined,
      { ...nodeInfo(n), x, y, ...(target ? { target } : {}), ...extra },
      'journey',
      at,
    );
    return at;
  }

  /** Sleeps `ms`, looking at the screen every WATCH_INTERVAL_MS; rejects when the run is stopped. */
  async watchFor(ms: number, until?: (s: Screen) => boolean): Promise<Screen | undefined> {
    const end = performance.now() + ms;
    for (;;) {
      this.checkAborted();
      const s = await this.look();
      if (until?.(s)) return s;
      const left = end - performance.now();
      if (left <= 0) return until ? undefined : s;
      await this.sleep(Math.min(WATCH_INTERVAL_MS, left));
    }
  }

  sleep(ms: number): Promise<void> {
    const signal = this.ctx.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new JourneyAborted(signal.reason));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new JourneyAborted(signal.reason));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
