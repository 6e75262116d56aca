/**
 * The recording thread (started by recorder.ts): stores bodies as blobs, decodes copies and matches
 * requests against each session's identity, off the proxy's event loop. Blobs are written before the
 * answer goes back, so the row the main thread then appends never names a missing file.
 */
import { parentPort } from 'node:worker_threads';
import { compileIdentity, matchRequest } from '../analysis/matcher/index.ts';
import { BlobStore } from '../evidence/blobs.ts';
import { describeError } from '../errors.ts';
import { analyseExchange, type AnalysisTools } from './flow-analysis.ts';
import type { RecorderReply, RecorderRequest } from './recorder.ts';

const port = parentPort;
if (!port) throw new Error('record-worker.ts runs only as a worker thread (see recorder.ts)');

const sessions = new Map<number, AnalysisTools>();
const stores = new Map<string, BlobStore>();

function storeFor(dataDir: string): BlobStore {
  let store = stores.get(dataDir);
  if (!store) {
    store = new BlobStore(dataDir);
    stores.set(dataDir, store);
  }
  return store;
}

port.on('message', (msg: RecorderRequest) => {
  if (msg.kind === 'session') {
    const compiled = msg.identity ? compileIdentity(msg.identity) : undefined;
    const blobs = storeFor(msg.dataDir);
    sessions.set(msg.key, {
      putBlob: (bytes) => blobs.put(bytes),
      match: compiled ? (req) => matchRequest(compiled, req) : () => [],
      limits: msg.limits,
    });
    return;
  }
  if (msg.kind === 'forget') {
    sessions.delete(msg.key);
    return;
  }
  const results: Extract<RecorderReply, { kind: 'results' }>['results'] = msg.jobs.map(({ id, key, job }) => {
    const tools = sessions.get(key);
    if (!tools) return { id, error: `no session ${key} on the recording thread` };
    try {
      return { id, result: analyseExchange(job, tools) };
    } catch (err) {
      return { id, error: describeError(err) };
    }
  });
  port.postMessage({ kind: 'results', results } satisfies RecorderReply);
});

port.postMessage({ kind: 'ready' } satisfies RecorderReply);
