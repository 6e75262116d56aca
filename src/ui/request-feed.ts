import type { ApiCallData, EvidenceWriter, NewEvent } from '../evidence/types.ts';
import type { PermissionRequestFeed } from './prompt-origin.ts';

/** The hook catalogue's category of Activity/ActivityCompat.requestPermissions (src/agent/catalogue/permissions.ts). */
const REQUEST_CATEGORY = 'permission-request';
/** How many requests are kept: a journey sees a handful; the bound only guards a looping app. */
const MAX_KEPT = 1000;

/** Permission names anywhere in recorded arguments (a String[] as the agent summarised it). */
function permissionNames(args: unknown, depth = 0): string[] {
  if (depth > 4 || args === null || args === undefined) return [];
  if (typeof args === 'string') return args.includes('.permission.') ? [args] : [];
  if (Array.isArray(args)) return args.flatMap((a) => permissionNames(a, depth + 1));
  if (typeof args === 'object') return Object.values(args).flatMap((a) => permissionNames(a, depth + 1));
  return [];
}

/**
 * Lets a journey see the app's requestPermissions calls as the hooks probe records them, without the
 * probes knowing each other (DESIGN.md): the session hands the hooks probe the returned `writer` (every
 * call goes through to the real one unchanged) and the journey the `feed`. The feed counts as
 * installed once the agent reported its hooks and Activity.requestPermissions was not among the missing.
 */
export function permissionRequestTap(
  writer: EvidenceWriter,
  session: string,
): { writer: EvidenceWriter; feed: PermissionRequestFeed } {
  const requests: { t: number; permissions: string[] }[] = [];
  let installed = false;
  const tapped: EvidenceWriter = {
    appendEvent(e: NewEvent) {
      if (e.session === session && e.source === 'hook' && e.type === 'hook-status') {
        const d = e.data as { available?: unknown; missing?: unknown };
        const missing = Array.isArray(d.missing)
          ? (d.missing as { class?: unknown; method?: unknown }[])
          : [];
        // ActivityCompat ends in Activity.requestPermissions: that hook alone sees every request.
        installed =
          d.available === true &&
          !missing.some((m) => m.class === 'android.app.Activity' && m.method === 'requestPermissions');
      }
      return writer.appendEvent(e);
    },
    appendApiCall(s: string, t: number, call: ApiCallData, wall?: number) {
      if (s === session && call.category === REQUEST_CATEGORY) {
        const permissions = [...new Set(permissionNames(call.args))];
        // Coalesced identical calls carry their times.
        for (const at of call.times?.length ? call.times : [t]) requests.push({ t: at, permissions });
        if (requests.length > MAX_KEPT) requests.splice(0, requests.length - MAX_KEPT);
      }
      return writer.appendApiCall(s, t, call, wall);
    },
    appendFlow: (f) => writer.appendFlow(f),
    appendUiSnapshot: (u) => writer.appendUiSnapshot(u),
    putBlob: (bytes) => writer.putBlob(bytes),
    flush: () => writer.flush(),
  };
  return {
    writer: tapped,
    feed: {
      installed: () => installed,
      since: (t) => requests.filter((r) => r.t >= t),
    },
  };
}
