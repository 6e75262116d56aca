/**
 * The recording thread (started by recorder.ts): stores bodies as blobs, decodes copies and matches
 * requests against each session's identity, off the proxy's event loop. A batch's blobs go into a pack
 * (blob-packs.ts) before the answers go back, so the row the main thread then appends never names a
 * missing blob.
 */
import { parentPort } from 'node:worker_threads';
import { compileIdentity, matchRequest } from '../analysis/matcher/index.ts';
import { BlobStore, sha256 } from '../evidence/blobs.ts';
import type { BlobHash } from '../evidence/types.ts';
import { describeError } from '../errors.ts';
import { analyseExchange, type AnalysisTools } from './flow-analysis.ts';
import type { RecorderReply, RecorderRequest } from './recorder.ts';

const port = parentPort;
if (!port) throw new Error('record-worker.ts runs only as a worker thread (see recorder.ts)');

const sessions = new Map<number, { tools: AnalysisTools; store: BlobStore }>();
const stores = new Map<string, BlobStore>();
/** Blobs of the batch being analysed, per store: packed together before the answers go back. */
const staged = new Map<BlobStore, { hash: BlobHash; bytes: Uint8Array }[]>();

function storeFor(dataDir: string): BlobStore {
  let store = stores.get(dataDir);
  if (!store) {
    store = new BlobStore(dataDir);
    stores.set(dataDir, store);
  }
  return store;
}

function stage(store: BlobStore, bytes: Uint8Array): BlobHash {
  const hash = sha256(bytes);
  let list = staged.get(store);
  if (!list) staged.set(store, (list = []));
  list.push({ hash, bytes });
  return hash;
}

port.on('message', (msg: RecorderRequest) => {
  if (msg.kind === 'session') {
    const compiled = msg.identity ? compileIdentity(msg.identity) : undefined;
    const store = storeFor(msg.dataDir);
    sessions.set(msg.key, {
      store,
      tools: {
        putBlob: (bytes) => stage(store, bytes),
        match: compiled ? (req) => matchRequest(compiled, req) : () => [],
        limits: msg.limits,
      },
    });
    return;
  }
  if (msg.kind === 'forget') {
    sessions.delete(msg.key);
    return;
  }
  type Result = Extract<RecorderReply, { kind: 'results' }>['results'][number];
  const results: { result: Result; store?: BlobStore }[] = msg.jobs.map(({ id, key, job }) => {
    const s = sessions.get(key);
    if (!s) return { result: { id, error: `no session ${key} on the recording thread` } };
    try {
      return { result: { id, result: analyseExchange(job, s.tools) }, store: s.store };
    } catch (err) {
      return { result: { id, error: describeError(err) } };
    }
  });
  // A store whose pack cannot be written fails its jobs: the event loop then analyses them again and
  // stores their blobs as files (or reports why it cannot).
  const failed = new Map<BlobStore, string>();
  for (const [store, blobs] of staged) {
    try {
      store.putPacked(blobs);
    } catch (err) {
      failed.set(store, describeError(err));
    }
  }
  staged.clear();
  port.postMessage({
    kind: 'results',
    results: results.map(({ result, store }) => {
      const error = store && failed.get(store);
      return error ? { id: result.id, error } : result;
    }),
  } satisfies RecorderReply);
});

port.postMessage({ kind: 'ready' } satisfies RecorderReply);
