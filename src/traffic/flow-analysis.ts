import type { BlobHash, BodyRecord, Headers, Match } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { storeBody, type TappedBody } from './body.ts';
import type { MatchInput } from './context.ts';
import { headerValue } from './headers.ts';
import type { DecodeLimits } from './decode.ts';

/**
 * The part of recording an exchange that costs CPU and disk: storing both bodies (raw and decoded
 * copies as blobs) and matching the request against the identity. Plain data in and out, so it runs
 * on the recording thread (record-worker.ts) or, as a fallback, on the event loop.
 */
export interface AnalysisJob {
  method: string;
  url: string;
  scheme: 'http' | 'https';
  status?: number;
  requestHeaders: Headers;
  responseHeaders: Headers;
  request: TappedBody | null;
  response: TappedBody | null;
}

export interface AnalysisResult {
  requestBody: BodyRecord | null;
  responseBody: BodyRecord | null;
  matches: Match[];
  /** Why matching failed, if it did (the flow is kept without matches). */
  matchError?: string;
}

export interface AnalysisTools {
  putBlob: (bytes: Uint8Array) => BlobHash;
  match: (req: MatchInput) => Match[];
  limits: DecodeLimits;
}

export function analyseExchange(job: AnalysisJob, tools: AnalysisTools): AnalysisResult {
  const { putBlob, limits } = tools;
  const req = storeBody(job.request, headerValue(job.requestHeaders, 'content-encoding'), putBlob, limits);
  const res = storeBody(job.response, headerValue(job.responseHeaders, 'content-encoding'), putBlob, limits);
  let matches: Match[] = [];
  let matchError: string | undefined;
  try {
    matches = tools.match({
      method: job.method,
      url: job.url,
      headers: job.requestHeaders,
      body: req.content,
    });
  } catch (err) {
    // A matcher bug costs the matches of one flow, never the flow itself.
    matchError = `matcher failed: ${describeError(err)}`;
  }
  return {
    requestBody: req.record,
    responseBody: res.record,
    matches,
    ...(matchError ? { matchError } : {}),
  };
}
