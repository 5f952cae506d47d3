/**
 * Signs batches of entries on worker threads, so a node's second core signs while the main
 * thread serves requests, canonicalises and commits. An entry's signature lives beside the
 * signed bytes and nothing in the chain depends on it, so signing can run after positions and
 * hashes are assigned, in parallel, before the commit.
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
import { isExternalKey, signMessage } from '../core/keys.js';

export interface SignJob {
  /** PKCS#8 DER private key, base64. */
  privateKey: string;
  domain: string;
  message: string;
}

const CHUNK = 16;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');
const keys = new Map();
function keyObject(b64) {
  let key = keys.get(b64);
  if (!key) {
    if (keys.size > 10000) keys.clear();
    key = createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
    keys.set(b64, key);
  }
  return key;
}
parentPort.on('message', ({ id, jobs, counter }) => {
  const claim = new Int32Array(counter);
  const done = [];
  try {
    for (;;) {
      const start = Atomics.add(claim, 0, ${CHUNK});
      if (start >= jobs.length) break;
      const signatures = [];
      for (let i = start; i < Math.min(start + ${CHUNK}, jobs.length); i += 1) {
        const job = jobs[i];
        signatures.push(sign(null, Buffer.from(job.domain + job.message, 'utf8'), keyObject(job.privateKey)).toString('base64'));
      }
      done.push({ start, signatures });
    }
    parentPort.postMessage({ id, done });
  } catch (error) {
    parentPort.postMessage({ id, done, error: String((error && error.message) || error) });
  }
});
`;

interface Request {
  id: number;
  jobs: SignJob[];
  signatures: string[];
  claim: Int32Array;
  /** Workers that have not answered yet. */
  waiting: number;
  failed: Error | null;
  resolve(signatures: string[]): void;
  reject(error: Error): void;
}

export class SigningPool {
  private readonly workers: Worker[] = [];
  private readonly requests = new Map<number, Request>();
  private nextId = 0;

  private started = false;

  /**
   * @param threadCount worker threads; 0 signs on the calling thread. Default: one per spare core.
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
        (reply: { id: number; done: Array<{ start: number; signatures: string[] }>; error?: string }) =>
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
    if (!this.started && !onThisThread) this.startWorkers();
    if (this.workers.length === 0 || onThisThread) {
      try {
        return Promise.resolve(jobs.map((job) => signMessage(job.privateKey, job.domain, job.message)));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    const counter = new SharedArrayBuffer(4);
    return new Promise((resolve, reject) => {
      const request: Request = {
        id: this.nextId++,
        jobs,
        signatures: new Array<string>(jobs.length),
        claim: new Int32Array(counter),
        waiting: this.workers.length,
        failed: null,
        resolve,
        reject,
      };
      this.requests.set(request.id, request);
      for (const worker of this.workers) worker.postMessage({ id: request.id, jobs, counter });
    });
  }

  /** Signs unclaimed chunks of pending requests on the calling thread, sharing the work. */
  help(): void {
    for (const request of this.requests.values()) {
      for (;;) {
        const start = Atomics.add(request.claim, 0, CHUNK);
        if (start >= request.jobs.length) break;
        try {
          for (let i = start; i < Math.min(start + CHUNK, request.jobs.length); i += 1) {
            const job = request.jobs[i]!;
            request.signatures[i] = signMessage(job.privateKey, job.domain, job.message);
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
    done: Array<{ start: number; signatures: string[] }>;
    error?: string;
  }): void {
    const request = this.requests.get(reply.id);
    if (!request) return;
    for (const { start, signatures } of reply.done) {
      signatures.forEach((sig, i) => (request.signatures[start + i] = sig));
    }
    if (reply.error) request.failed ??= new Error(`signing failed: ${reply.error}`);
    if (--request.waiting > 0) return;
    // Every worker has stopped claiming, so the counter is past the end: the caller's
    // `help` (synchronous) has finished its chunks too.
    this.requests.delete(request.id);
    if (request.failed) request.reject(request.failed);
    else request.resolve(request.signatures);
  }
}
