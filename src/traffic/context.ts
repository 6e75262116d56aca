import type { EvidenceWriter, Headers, Match, NewFlow } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { log } from '../log.ts';
import type { AnalysisTools } from './flow-analysis.ts';
import type { HostPolicy } from './host-policy.ts';
import type { CaptureOptions } from './options.ts';
import { inlineAnalyser, type Analyser } from './recorder.ts';

/** What the matcher sees of a request: the body is the decoded copy when there is one. */
export interface MatchInput {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array | null;
}

export type RequestMatcher = (req: MatchInput) => Match[];

/** Facts about the CONNECT tunnel an intercepted TLS connection came through. */
export interface TunnelInfo {
  /** Where the client asked to go (CONNECT authority). */
  host: string;
  port: number;
  /** Server name from the ClientHello, when the client sent one. */
  sni?: string;
}

/** An exchange being relayed; `finish` records it (once). */
export interface InflightExchange {
  readonly responseComplete: boolean;
  finish(error?: string): void;
}

/** Everything the capture parts of one session's proxy share. */
export class CaptureContext {
  readonly tunnels = new WeakMap<object, TunnelInfo>();
  /** Exchanges relayed right now: stop() records those it cuts short, and those about to be recorded. */
  readonly inflight = new Set<InflightExchange>();
  private readonly t0 = performance.now();
  private readonly sessionClock: (() => number) | undefined;
  /** Where exchanges are analysed: on the event loop unless the proxy hands them to the recording thread. */
  analyser: Analyser = inlineAnalyser(() => this.tools());

  constructor(
    readonly session: string,
    readonly writer: EvidenceWriter,
    readonly options: CaptureOptions,
    readonly hostPolicy: HostPolicy,
    readonly match: RequestMatcher,
    sessionClock?: () => number,
  ) {
    this.sessionClock = sessionClock;
  }

  /** ms since the session started (DESIGN.md "Events": `t`), from the caller's clock when given. */
  now(): number {
    return this.sessionClock ? this.sessionClock() : Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  /** Matches a request; a matcher bug costs the matches of one flow, never the flow itself. */
  safeMatch(req: MatchInput): { matches: Match[]; error?: string } {
    try {
      return { matches: this.match(req) };
    } catch (err) {
      log.warn({ err: describeError(err), url: req.url }, 'matcher failed on a flow');
      return { matches: [], error: `matcher failed: ${describeError(err)}` };
    }
  }

  /** Blob storage, matching and decode limits for analysing an exchange on the event loop. */
  tools(): AnalysisTools {
    return { putBlob: (b) => this.putBlob(b), match: this.match, limits: this.options.decodeLimits };
  }

  writeFlow(flow: Omit<NewFlow, 'session'>): void {
    try {
      this.writer.appendFlow({ ...flow, session: this.session });
    } catch (err) {
      // A store failure must not break the app's traffic; it is logged loudly instead.
      log.error({ err: describeError(err), url: flow.url }, 'failed to store a flow');
    }
  }

  /**
   * Stores a body. With the batching writer the file is written off the event loop (`putBlobSoon`):
   * creating a file costs more than relaying the whole exchange. Other writers store it at once.
   */
  putBlob(bytes: Uint8Array): string {
    const w = this.writer as EvidenceWriter & { putBlobSoon?: (b: Uint8Array) => string };
    return w.putBlobSoon ? w.putBlobSoon(bytes) : w.putBlob(bytes);
  }

  /**
   * A peer misbehaved (malformed request, TLS garbage, timeout) or capturing one exchange failed:
   * evidence on the timeline, not a crash.
   */
  peerProblem(kind: string, detail: Record<string, unknown>): void {
    log.debug({ kind, ...detail }, 'proxy peer problem');
    try {
      this.writer.appendEvent({
        session: this.session,
        t: this.now(),
        source: 'net',
        type: 'proxy-error',
        data: { kind, ...detail },
      });
    } catch (err) {
      log.error({ err: describeError(err) }, 'failed to store a proxy-error event');
    }
  }
}
