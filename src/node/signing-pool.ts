/**
 * Signs batches of entries on worker threads, so a node's second core signs while the main
 * thread serves requests, canonicalises and commits. An entry's signature lives beside the
 * signed bytes and nothing in the chain depends on it, so signing can run after positions and
 * hashes are assigned, in parallel, before the commit.
 *
 * It verifies received entries' signatures the same way (`verifyEntries`): a signature covers
 * only the entry's own bytes and names its key inside them, so a batch from a peer is checked
 * in parallel before the chain's rules run over it in order (core/verify-chain.ts takes the
 * verdicts and checks the rest itself).
 *
 * Work is shared, not split in advance: every worker gets the whole batch and claims chunks from
 * a shared atomic counter, and the calling thread can `help` the same way while it would
 * otherwise wait. So no core idles whatever else each one is doing.
 *
 * A key held in a PKCS#11 token (core/keys.ts `registerExternalSigner`) signs on the calling
 * thread only: its session belongs to this thread, and the token is the bottleneck anyway. A
 * batch holding such a key is signed there whole.
 *
 * The worker is a few lines of plain JavaScript evaluated from a string: it then runs the same
 * from compiled output and from TypeScript sources under the test runner.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SIGNING_DOMAIN, isExternalKey, signMessage, verifyMessage } from '../core/keys.js';
import type { SignedBytes } from '../core/verify-chain.js';

export interface SignJob {
  /** PKCS#8 DER private key, base64. */
  privateKey: string;
  domain: string;
  message: string;
}

/** A received entry's signed bytes and signature. */
export type VerifyJob = SignedBytes;

const CHUNK = 16;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, createPublicKey, sign, verify } = require('node:crypto');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const privateKeys = new Map();
const publicKeys = new Map();
function privateKeyObject(b64) {
  let key = privateKeys.get(b64);
  if (!key) {
    if (privateKeys.size > 10000) privateKeys.clear();
    key = createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
    privateKeys.set(b64, key);
  }
  return key;
}
function publicKeyObject(b64) {
  let key = publicKeys.get(b64);
  if (!key) {
    const raw = Buffer.from(b64, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== b64) return null;
    if (publicKeys.size > 10000) publicKeys.clear();
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    publicKeys.set(b64, key);
  }
  return key;
}
// The key an entry names inside its signed bytes, when its signature verifies with it; else ''.
function verifiedBy(domain, job) {
  try {
    const authorKey = JSON.parse(job.canonical).authorKey;
    if (typeof authorKey !== 'string') return '';
    const key = publicKeyObject(authorKey);
    const sig = Buffer.from(job.sig, 'base64');
    if (!key || sig.length !== 64) return '';
    return verify(null, Buffer.from(domain + job.canonical, 'utf8'), key, sig) ? authorKey : '';
  } catch {
    return '';
  }
}
parentPort.on('message', ({ id, op, domain, jobs, counter }) => {
  const claim = new Int32Array(counter);
  const done = [];
  try {
    for (;;) {
      const start = Atomics.add(claim, 0, ${CHUNK});
      if (start >= jobs.length) break;
      const results = [];
      for (let i = start; i < Math.min(start + ${CHUNK}, jobs.length); i += 1) {
        const job = jobs[i];
        results.push(
          op === 'verify'
            ? verifiedBy(domain, job)
            : sign(null, Buffer.from(job.domain + job.message, 'utf8'), privateKeyObject(job.privateKey)).toString('base64'),
        );
      }
      done.push({ start, results });
    }
    parentPort.postMessage({ id, done });
  } catch (error) {
    parentPort.postMessage({ id, done, error: String((error && error.message) || error) });
  }
});
`;

type Work = { op: 'sign'; jobs: readonly SignJob[] } | { op: 'verify'; jobs: readonly VerifyJob[] };

interface Request {
  id: number;
  work: Work;
  /** Signatures (sign), or the key each entry verified with, '' where it did not (verify). */
  results: string[];
  claim: Int32Array;
  /** Workers that have not answered yet. */
  waiting: number;
  failed: Error | null;
  resolve(results: string[]): void;
  reject(error: Error): void;
}

/** Job `index` of `work`, done on the calling thread (as the worker does it). */
function runHere(work: Work, index: number): string {
  if (work.op === 'sign') {
    const job = work.jobs[index]!;
    return signMessage(job.privateKey, job.domain, job.message);
  }
  return verifiedBy(work.jobs[index]!);
}

/** The key a received entry names in its signed bytes, when its signature verifies; else ''. */
function verifiedBy(job: VerifyJob): string {
  let authorKey: unknown;
  try {
    authorKey = (JSON.parse(job.canonical) as { authorKey?: unknown }).authorKey;
  } catch {
    return '';
  }
  if (typeof authorKey !== 'string') return '';
  return verifyMessage(authorKey, SIGNING_DOMAIN.entry, job.canonical, job.sig) ? authorKey : '';
}

export class SigningPool {
  private readonly workers: Worker[] = [];
  private readonly requests = new Map<number, Request>();
  private nextId = 0;

  private started = false;

  /**
   * @param threadCount worker threads; 0 works on the calling thread. Default: one per spare core.
   *   They start with the first batch large enough to share, so an idle node carries none.
   */
  constructor(private readonly threadCount = Math.min(4, availableParallelism() - 1)) {}

  private startWorkers(): void {
    this.started = true;
    for (let i = 0; i < this.threadCount; i += 1) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on(
        'message',
        (reply: { id: number; done: Array<{ start: number; results: string[] }>; error?: string }) =>
          this.onReply(reply),
      );
      worker.on('error', (error) => {
        for (const request of this.requests.values()) request.reject(error);
        this.requests.clear();
      });
      this.workers.push(worker);
    }
  }

  get threads(): number {
    return this.threadCount;
  }

  /** Signs every job; the signatures come back in job order. */
  sign(jobs: SignJob[]): Promise<string[]> {
    const onThisThread = jobs.length <= CHUNK || jobs.some((job) => isExternalKey(job.privateKey));
    return this.run({ op: 'sign', jobs }, onThisThread);
  }

  /**
   * Checks received entries' signatures, each against the key its signed bytes name (the entry's
   * `authorKey`): in job order, that key where the signature verifies, '' where it does not or
   * the entry is malformed. Whether that key may sign there is the chain's rule, not this.
   * With `help`, the calling thread takes chunks at once instead of leaving them to the workers.
   */
  verifyEntries(jobs: readonly VerifyJob[], { help = false }: { help?: boolean } = {}): Promise<string[]> {
    const verdicts = this.run({ op: 'verify', jobs }, jobs.length <= CHUNK);
    if (help) this.help();
    return verdicts;
  }

  private run(work: Work, onThisThread: boolean): Promise<string[]> {
    if (!this.started && !onThisThread) this.startWorkers();
    if (this.workers.length === 0 || onThisThread) {
      try {
        return Promise.resolve(work.jobs.map((_, index) => runHere(work, index)));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    const counter = new SharedArrayBuffer(4);
    return new Promise((resolve, reject) => {
      const request: Request = {
        id: this.nextId++,
        work,
        results: new Array<string>(work.jobs.length),
        claim: new Int32Array(counter),
        waiting: this.workers.length,
        failed: null,
        resolve,
        reject,
      };
      this.requests.set(request.id, request);
      const message = { id: request.id, op: work.op, domain: SIGNING_DOMAIN.entry, jobs: work.jobs, counter };
      for (const worker of this.workers) worker.postMessage(message);
    });
  }

  /** Does unclaimed chunks of pending requests on the calling thread, sharing the work. */
  help(): void {
    for (const request of this.requests.values()) {
      const { work } = request;
      for (;;) {
        const start = Atomics.add(request.claim, 0, CHUNK);
        if (start >= work.jobs.length) break;
        try {
          for (let i = start; i < Math.min(start + CHUNK, work.jobs.length); i += 1) {
            request.results[i] = runHere(work, i);
          }
        } catch (error) {
          request.failed ??= error as Error;
        }
      }
    }
  }

  async close(): Promise<void> {
    this.started = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private onReply(reply: {
    id: number;
    done: Array<{ start: number; results: string[] }>;
    error?: string;
  }): void {
    const request = this.requests.get(reply.id);
    if (!request) return;
    for (const { start, results } of reply.done) {
      results.forEach((result, i) => (request.results[start + i] = result));
    }
    if (reply.error) request.failed ??= new Error(`${request.work.op} failed: ${reply.error}`);
    if (--request.waiting > 0) return;
    // Every worker has stopped claiming, so the counter is past the end: the caller's
    // `help` (synchronous) has finished its chunks too.
    this.requests.delete(request.id);
    if (request.failed) request.reject(request.failed);
    else request.resolve(request.results);
  }
}
