import type { SimDevice } from '../device/device.ts';
import { RUNTIME_PERMISSIONS, isRuntimePermission } from '../device/permissions.ts';
import { BUTTON_TEXTS, GROUP_MESSAGES, localeOf } from './permission-texts.ts';
import { node, type UiNode, type UiWindow } from './types.ts';

/**
 * The system's runtime-permission prompt as Android 10's permission controller shows it: one dialog per
 * permission group, with the controller's real resource ids so UiAutomator2-style locators written
 * for devices answer it on the sim too. Android's rules: permissions not in the manifest are denied
 * without a prompt, granted ones are not asked again, "deny & don't ask again" (offered from the
 * second prompt) and two refusals make later requests deny at once without a dialog.
 */
export const PERMISSION_CONTROLLER = 'com.android.permissioncontroller';
export const GRANT_ACTIVITY = `${PERMISSION_CONTROLLER}.permission.ui.GrantPermissionsActivity`;
export const PERMISSION_IDS = {
  root: `${PERMISSION_CONTROLLER}:id/grant_dialog`,
  message: `${PERMISSION_CONTROLLER}:id/permission_message`,
  allow: `${PERMISSION_CONTROLLER}:id/permission_allow_button`,
  foregroundOnly: `${PERMISSION_CONTROLLER}:id/permission_allow_foreground_only_button`,
  deny: `${PERMISSION_CONTROLLER}:id/permission_deny_button`,
  denyDontAsk: `${PERMISSION_CONTROLLER}:id/permission_deny_and_dont_ask_again_button`,
} as const;

/** Refusals after which Android stops showing the prompt (Android 11 made it explicit; 10 via the checkbox). */
export const AUTO_DENY_AFTER = 2;

export type GrantResults = Record<string, boolean>;
/** Who started the grant activity: the app (requestPermissions) or the system on its behalf. */
type StartedBy = 'app' | 'system';
/** Process.SYSTEM_UID: system_server. */
const SYSTEM_UID = 1000;
/** `gone`: the app's process went away with the prompt unanswered (force-stop, uninstall, crash). */
type Answer = 'allow' | 'deny' | 'denyDontAsk' | 'gone';

export class PermissionController {
  private readonly refusals = new Map<string, number>();
  private readonly dontAsk = new Set<string>();
  /** One prompt at a time, as the controller's activity queues requests. */
  private chain: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** Prompts on screen by window id, so one whose app goes away can be ended. */
  private readonly open = new Map<string, { pkg: string; finish: (answer: Answer) => void }>();

  constructor(private readonly device: SimDevice) {
    device.on('uninstalled', (pkg) => this.forget(pkg));
  }

  /** `pm clear` and uninstall reset the "don't ask again" state. */
  forget(pkg: string): void {
    for (const k of [...this.refusals.keys()]) if (k.startsWith(`${pkg} `)) this.refusals.delete(k);
    for (const k of [...this.dontAsk]) if (k.startsWith(`${pkg} `)) this.dontAsk.delete(k);
  }

  /**
   * The app's process went away: its prompts close unanswered, as Android finishes the grant activity
   * with its caller. Without this the queue would wait for an answer forever and no later request on
   * this sim — of any app, in any later session — would ever show a prompt.
   */
  cancel(pkg: string): void {
    // finish() removes the entry, so iterate over a copy.
    for (const p of [...this.open.values()]) if (p.pkg === pkg) p.finish('gone');
  }

  /** How many times the user refused a group for a package (for tests and dumpsys-like views). */
  refusalsOf(pkg: string, group: string): number {
    return this.refusals.get(`${pkg} ${group}`) ?? 0;
  }

  /**
   * `Activity.requestPermissions`: prompts for what still needs an answer and resolves with the
   * result of every permission asked. Results also reach the app's runtime through
   * `onPermissionResult` (via `device.setPermission` for answered prompts).
   */
  request(pkg: string, permissions: string[], appLabel: string): Promise<GrantResults> {
    return this.enqueue(pkg, permissions, appLabel, 'app');
  }

  /**
   * The system asks on the app's behalf, without the app calling requestPermissions: Android 13's
   * notification prompt for apps targeting 12 or lower (PackageManager.ACTION_REQUEST_PERMISSIONS_FOR_OTHER,
   * started by system_server). Journeys must mark such prompts `requestedBy: 'os'`.
   */
  requestForOther(pkg: string, permissions: string[], appLabel: string): Promise<GrantResults> {
    return this.enqueue(pkg, permissions, appLabel, 'system');
  }

  private enqueue(
    pkg: string,
    permissions: string[],
    label: string,
    startedBy: StartedBy,
  ): Promise<GrantResults> {
    const run = this.chain.then(() => this.requestNow(pkg, permissions, label, startedBy));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async requestNow(
    pkg: string,
    permissions: string[],
    label: string,
    startedBy: StartedBy,
  ): Promise<GrantResults> {
    const installed = this.device.packages.get(pkg);
    const results: GrantResults = {};
    const groups = new Map<string, string[]>();
    for (const p of permissions) {
      if (!installed || !installed.requested.includes(p)) {
        results[p] = false;
        this.device.writeLog('W', 'PermissionController', `${pkg} requested ${p} without declaring it`);
        continue;
      }
      if (!isRuntimePermission(p) || installed.granted.has(p)) {
        results[p] = true;
        continue;
      }
      const g = RUNTIME_PERMISSIONS[p] as string;
      groups.set(g, [...(groups.get(g) ?? []), p]);
    }
    for (const [group, perms] of groups) {
      const key = `${pkg} ${group}`;
      // The app went away (with an earlier group's prompt open): nothing more is asked for it.
      if (this.device.pidOf(pkg) === undefined) {
        for (const p of perms) results[p] = false;
        continue;
      }
      // A group granted earlier in this request (or meanwhile) is not asked again.
      if (perms.every((p) => installed?.granted.has(p))) {
        for (const p of perms) results[p] = true;
        continue;
      }
      let answer: Answer;
      if (this.dontAsk.has(key) || (this.refusals.get(key) ?? 0) >= AUTO_DENY_AFTER) {
        answer = 'deny';
        this.device.writeLog('I', 'PermissionController', `Auto-denied ${group} for ${pkg}`);
        for (const p of perms) this.device.runtimeOf(pkg)?.onPermissionResult(p, false);
        for (const p of perms) results[p] = false;
        continue;
      }
      answer = await this.prompt(pkg, group, label, (this.refusals.get(key) ?? 0) > 0, startedBy);
      if (answer === 'gone' || this.device.pidOf(pkg) === undefined) {
        for (const p of perms) results[p] = false;
        continue;
      }
      const granted = answer === 'allow';
      if (!granted) this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
      if (answer === 'denyDontAsk') this.dontAsk.add(key);
      for (const p of perms) {
        results[p] = granted;
        this.device.setPermission(pkg, p, granted);
      }
    }
    return results;
  }

  private prompt(
    pkg: string,
    group: string,
    label: string,
    offerDontAsk: boolean,
    startedBy: StartedBy,
  ): Promise<Answer> {
    return new Promise((resolve) => {
      const locale = localeOf(this.device.props.get('persist.sys.locale'));
      const texts = BUTTON_TEXTS[locale] as Record<string, string>;
      const message = (GROUP_MESSAGES[group]?.[locale] ?? ((a: string) => `Allow ${a}?`))(label);
      const { width, height } = this.device.screen;
      const isLocation = group === 'android.permission-group.LOCATION';
      const buttons: [keyof typeof PERMISSION_IDS, Answer][] = [
        [isLocation ? 'foregroundOnly' : 'allow', 'allow'],
        ['deny', 'deny'],
        ...(offerDontAsk
          ? ([['denyDontAsk', 'denyDontAsk']] as [keyof typeof PERMISSION_IDS, Answer][])
          : []),
      ];
      const rowH = 150;
      const msgH = 260;
      const h = msgH + rowH * buttons.length + 40;
      const left = 48;
      const right = width - 48;
      const top = height - 60 - h;
      const id = `permission:${this.nextId++}`;
      const answerBy = new Map<string, Answer>();
      const children: UiNode[] = [
        node({
          class: 'android.widget.TextView',
          resourceId: PERMISSION_IDS.message,
          text: message,
          package: PERMISSION_CONTROLLER,
          bounds: [left + 40, top + 60, right - 40, top + msgH],
          style: { fontSize: 44, align: 'center' },
        }),
        ...buttons.map(([idKey, answer], i) => {
          answerBy.set(PERMISSION_IDS[idKey], answer);
          const y = top + msgH + 20 + i * rowH;
          return node({
            class: 'android.widget.Button',
            resourceId: PERMISSION_IDS[idKey],
            text: texts[idKey] ?? idKey,
            clickable: true,
            focusable: true,
            package: PERMISSION_CONTROLLER,
            bounds: [left + 40, y, right - 40, y + rowH - 20],
            style: { background: '#ffffff', color: '#1a73e8', fontSize: 40, align: 'center' },
          });
        }),
      ];
      const finish = (answer: Answer): void => {
        if (!this.open.delete(id)) return;
        this.device.ui.close(id);
        resolve(answer);
      };
      this.open.set(id, { pkg, finish });
      const win: UiWindow = {
        id,
        kind: 'system',
        package: PERMISSION_CONTROLLER,
        activity: GRANT_ACTIVITY,
        forPackage: pkg,
        dimBehind: true,
        root: node({
          class: 'android.widget.LinearLayout',
          resourceId: PERMISSION_IDS.root,
          package: PERMISSION_CONTROLLER,
          bounds: [left, top, right, top + h],
          style: { background: '#ffffff', radius: 28 },
          children,
        }),
        onTap: ({ node: hit }) => {
          const answer = answerBy.get(hit.resourceId);
          if (answer) finish(answer);
        },
        // BACK on the prompt is a refusal, as on Android.
        onBack: () => finish('deny'),
      };
      // As ActivityTaskManager logs the grant activity's start: who started it is what tells an app's
      // request from the system's (src/ui/prompt-origin.ts reads this line on devices too).
      const [action, uid] =
        startedBy === 'app'
          ? ['REQUEST_PERMISSIONS', this.device.packages.get(pkg)?.uid ?? 0]
          : ['REQUEST_PERMISSIONS_FOR_OTHER', SYSTEM_UID];
      this.device.writeLog(
        'I',
        'ActivityTaskManager',
        `START u0 {act=android.content.pm.action.${action} pkg=${PERMISSION_CONTROLLER} cmp=${PERMISSION_CONTROLLER}/.permission.ui.GrantPermissionsActivity} from uid ${uid}`,
      );
      this.device.ui.openSystem(win);
    });
  }
}
