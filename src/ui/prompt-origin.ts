import type { Device } from '../device/device.ts';
import { childLog } from '../log.ts';

const log = childLog({ part: 'prompt-origin' });

/**
 * Who made a permission prompt appear — PERM_PROMPT `detail.requestedBy` (src/analysis/ui-events.ts):
 * `app` when the app asked (Activity / ActivityCompat.requestPermissions), `os` when the system showed
 * it on its own (Android 13's notification prompt for apps targeting 12 or lower, started with
 * PackageManager.ACTION_REQUEST_PERMISSIONS_FOR_OTHER from system_server). Left out when nothing can
 * tell: PI-CONSENT-002 then counts the prompt against the app, as a prompt on the app's screen.
 *
 * The evidence, strongest first:
 * 1. the hooks saw the app call requestPermissions for a permission of the prompt's group shortly
 *    before (when the session feeds the journey its hook calls: `ScenarioContext.permissionRequests`,
 *    built with permissionRequestTap in request-feed.ts);
 * 2. ActivityTaskManager (Android 10+) / ActivityManager (6–9) logs one `START u0 {act=
 *    android.content.pm.action.REQUEST_PERMISSIONS … GrantPermissionsActivity …} from uid N` line per
 *    start of the grant activity: from the app's uid → app; `…REQUEST_PERMISSIONS_FOR_OTHER` or a system
 *    uid (below 10000, Process.FIRST_APPLICATION_UID) → os. One start can show several prompts (one
 *    per group), so a prompt without a start line of its own inherits the origin of the one before it.
 * 3. the app's manifest declares no permission of the prompt's group: Android denies an undeclared
 *    permission without a prompt, so the app cannot have caused this one → os;
 * 4. the hooks had the requestPermissions hook installed and saw no request, while logcat shows no
 *    start from the app → os.
 */
export type RequestedBy = 'app' | 'os';

export interface PromptOrigin {
  requestedBy?: RequestedBy;
  /**
   * What told: `hooks`, `logcat`, `manifest`, `hooks+logcat` (quiet hooks and no start from the app),
   * `previous` (the dialog before it in the same grant activity).
   */
  via?: string;
}

/** The app's requestPermissions calls the hooks recorded, for the journey to attribute prompts with. */
export interface PermissionRequestFeed {
  /** The requestPermissions hooks are installed in the app (silence means something only then). */
  installed(): boolean;
  /** Calls at or after session time `t` (ms), each with the permissions it asked for. */
  since(t: number): { t: number; permissions: string[] }[];
}

/** How long before a prompt a recorded request still explains it (the dialog takes a moment to draw). */
export const REQUEST_WINDOW_MS = 10_000;
/** Process.FIRST_APPLICATION_UID: uids below it are the system's. */
const FIRST_APPLICATION_UID = 10_000;

export interface GrantStart {
  /** The whole logcat line (with its timestamp and pids): the key that tells new starts from seen ones. */
  line: string;
  forOther: boolean;
  uid: number;
}

const START =
  /\bSTART u\d+ \{act=android\.content\.pm\.action\.REQUEST_PERMISSIONS(_FOR_OTHER)?\b[^}]*\}.*?\bfrom uid (\d+)/;

/** The grant-activity starts in a logcat dump (any layout: the message is matched, not the prefix). */
export function parseGrantStarts(logcat: string): GrantStart[] {
  const out: GrantStart[] = [];
  for (const line of logcat.split('\n')) {
    const m = START.exec(line);
    if (m) out.push({ line: line.trimEnd(), forOther: m[1] !== undefined, uid: Number(m[2]) });
  }
  return out;
}

/** `userId=10123` in `dumpsys package <pkg>`. */
export function parseAppUid(dumpsys: string): number | undefined {
  const m = /^\s*userId=(\d+)/m.exec(dumpsys);
  return m ? Number(m[1]) : undefined;
}

/** Decides one prompt's origin from the new grant starts and the hooks' recent requests. */
export function attribute(o: {
  appUid: number | undefined;
  starts: readonly GrantStart[];
  /** Permissions of the prompt's group (full names); empty = any request counts. */
  members: ReadonlySet<string>;
  /** The hooks' requests in the window before the prompt; undefined = no hooks feed. */
  requests: readonly { permissions: string[] }[] | undefined;
  /** Logcat could be read. */
  logcat: boolean;
  /** The app declares a permission of the prompt's group; undefined = unknown. */
  declared?: boolean | undefined;
}): PromptOrigin {
  const asked = o.requests?.some((r) => o.members.size === 0 || r.permissions.some((p) => o.members.has(p)));
  if (asked) return { requestedBy: 'app', via: 'hooks' };
  const fromApp = o.starts.some((s) => !s.forOther && o.appUid !== undefined && s.uid === o.appUid);
  if (fromApp) return { requestedBy: 'app', via: 'logcat' };
  if (o.declared === false) return { requestedBy: 'os', via: 'manifest' };
  if (o.starts.some((s) => s.forOther || s.uid < FIRST_APPLICATION_UID))
    return { requestedBy: 'os', via: 'logcat' };
  if (o.requests !== undefined && o.logcat && o.appUid !== undefined)
    return { requestedBy: 'os', via: 'hooks+logcat' };
  return {};
}

/**
 * One journey's view of the grant-activity starts: a baseline read when the journey begins (starts
 * left from earlier sessions on the device are not this session's), then the new ones at each prompt.
 */
export class PromptOrigins {
  readonly #seen = new Set<string>();
  readonly #baseline: Promise<void>;
  #uid: Promise<number | undefined> | undefined;
  #last: { origin: PromptOrigin; t: number } | undefined;

  constructor(
    private readonly device: Device,
    private readonly pkg: string,
    private readonly feed?: PermissionRequestFeed,
  ) {
    this.#baseline = this.#read().then((starts) => {
      for (const s of starts ?? []) this.#seen.add(s.line);
    });
  }

  /** Resolves once the baseline is read: launchApp waits for it before it starts the app. */
  ready(): Promise<void> {
    return this.#baseline;
  }

  async #read(): Promise<GrantStart[] | null> {
    try {
      const out = await this.device.run(
        ['logcat', '-d', '-t', '500', '-s', 'ActivityTaskManager:I', 'ActivityManager:I'],
        { timeoutMs: 10_000 },
      );
      return parseGrantStarts(out);
    } catch (err) {
      log.debug({ err }, 'logcat unreadable; prompts are attributed from the hooks only');
      return null;
    }
  }

  /** A prompt is still on screen at `t`: the dialog after it (same grant activity) inherits its origin. */
  still(t: number): void {
    if (this.#last) this.#last.t = t;
  }

  /** The origin of a prompt first seen at session time `t`, whose group has `members`. */
  async of(members: ReadonlySet<string>, t: number, declared?: boolean): Promise<PromptOrigin> {
    await this.#baseline;
    this.#uid ??= this.device
      .run(['dumpsys', 'package', this.pkg], { timeoutMs: 30_000 })
      .then(parseAppUid)
      .catch((err: unknown) => {
        log.debug({ err }, "could not read the app's uid");
        return undefined;
      });
    const [starts, appUid] = await Promise.all([this.#read(), this.#uid]);
    const fresh = (starts ?? []).filter((s) => !this.#seen.has(s.line));
    for (const s of fresh) this.#seen.add(s.line);
    if (fresh.length === 0 && this.#last && t - this.#last.t <= REQUEST_WINDOW_MS) {
      // The next group's dialog of the same grant activity.
      const prev = this.#last.origin;
      this.#last = { origin: prev, t };
      if (prev.requestedBy) return { requestedBy: prev.requestedBy, via: 'previous' };
    }
    const origin = attribute({
      appUid,
      starts: fresh,
      members,
      requests: this.feed?.installed() ? this.feed.since(t - REQUEST_WINDOW_MS) : undefined,
      logcat: starts !== null,
      declared,
    });
    this.#last = { origin, t };
    return origin;
  }
}
