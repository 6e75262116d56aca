/**
 * Correlation: joins the API reads of a PI type to the later flows that carry a value of that type
 * (API → SDK → request → destination organisation). SDKs cache identifiers, so the read that explains a
 * flow can be long before it (RULES.md §3 (3)); the join prefers the latest read by the organisation that
 * receives the flow, else the latest read by anyone.
 */
import type { Match } from '../evidence/types.ts';
import { fmtT, type Collector, type Derived, type Destination } from './rules/common.ts';
import { isPi, piLabel } from './rules/pi-set.ts';
import type { EvApiCall, EvFlow } from './session-evidence.ts';

export interface FlowLink {
  flow: EvFlow;
  match: Match;
  /** The PI type (identity field) the match is of. */
  type: string;
  destination: Destination;
  /** The read that most likely produced the value, if one was recorded before the flow. */
  read: EvApiCall | null;
  reader: Collector | null;
}

export class Correlation {
  /** One link per (flow, PI type), in flow time order. */
  readonly links: FlowLink[] = [];
  private readonly byFlow = new Map<number, FlowLink[]>();

  constructor(derived: Derived) {
    // One sweep through reads and flows in time order, keeping the latest read per type and per
    // (organisation, type): what a binary search per flow would find, without a list per type holding
    // every read of a long session. Reads at the flow's own time count (t <= flow.t).
    const reads = derived.piReads;
    const latest = new Map<string, EvApiCall>();
    // organisation id → type → latest read (nested maps: no key string built per read).
    const latestByOrg = new Map<string, Map<string, EvApiCall>>();
    let next = 0;
    for (const flow of derived.ev.flows) {
      for (; next < reads.length; next++) {
        const call = reads[next] as EvApiCall;
        if (call.t > flow.t) break;
        const org = derived.collectorOf(call)?.org;
        let orgMap = org ? latestByOrg.get(org.id) : undefined;
        if (org && !orgMap) latestByOrg.set(org.id, (orgMap = new Map()));
        for (const type of call.data) {
          if (!isPi(type)) continue;
          latest.set(type, call);
          orgMap?.set(type, call);
        }
      }
      const seen = new Set<string>();
      for (const match of flow.matches) {
        if (!isPi(match.type) || seen.has(match.type)) continue;
        seen.add(match.type);
        const destination = derived.destination(flow.host);
        const read =
          (destination.org && latestByOrg.get(destination.org.id)?.get(match.type)) ||
          latest.get(match.type) ||
          null;
        const link: FlowLink = {
          flow,
          match,
          type: match.type,
          destination,
          read,
          reader: read ? derived.collectorOf(read) : null,
        };
        this.links.push(link);
        push(this.byFlow, flow.id, link);
      }
    }
  }

  linksOf(flow: EvFlow): FlowLink[] {
    return this.byFlow.get(flow.id) ?? [];
  }

  /** "Umeng (Alibaba) read the IMEI at 0.8 s and sent its MD5 hash to umeng.com at 1.2 s". */
  describe(link: FlowLink): string {
    const where = `to ${link.destination.domain} at ${fmtT(link.flow.t)}`;
    if (!link.read || !link.reader) {
      return `${piLabel(link.type)} was sent ${encodingAdverb(link.match.encoding)} ${where}`;
    }
    return `${link.reader.name} read ${piLabel(link.type)} at ${fmtT(link.read.t)} and sent ${encodingPhrase(link.match.encoding)} ${where}`;
  }
}

/** How a sentence names what was sent, from the match's encoding chain (outermost first). */
export function encodingPhrase(encoding: string): string {
  const steps = encoding.toLowerCase().split('>');
  const last = steps[steps.length - 1] ?? '';
  if (last.startsWith('md5')) return 'its MD5 hash';
  if (last.startsWith('sha1') || last.startsWith('sha-1')) return 'its SHA-1 hash';
  if (last.startsWith('sha256') || last.startsWith('sha-256')) return 'its SHA-256 hash';
  if (steps.includes('base64')) return 'it Base64-encoded';
  return 'it';
}

/** "as an MD5 hash", "Base64-encoded", "in plain text". */
export function encodingAdverb(encoding: string): string {
  const p = encodingPhrase(encoding);
  if (p === 'it') return 'in plain text';
  if (p === 'it Base64-encoded') return 'Base64-encoded';
  return p.replace(
    /^its (MD5|SHA-1|SHA-256) hash$/,
    (_m, h: string) => `as ${h === 'MD5' ? 'an' : 'a'} ${h} hash`,
  );
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
