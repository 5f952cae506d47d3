/**
 * The web app's API client is checked against the node's own OpenAPI document: every operation
 * the app calls (web/src/lib/api-operations.ts) must exist in /openapi.json, and the client's
 * types (web/src/lib/api-types.generated.ts) must be exactly what the document generates today.
 * Also checks the browser's independent entry verification against real signed entries.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../src/core/canonical-json.js';
import type { ParleyNode } from '../src/node/parley-node.js';
import { openNode } from '../src/workflows/open-node.js';
import { startServer, type RunningServer } from '../src/server/run-server.js';
import { API_OPERATIONS } from '../web/src/lib/api-operations.js';
import {
  canonicalJson,
  signedContent,
  verifyEntry,
  type VerifiableEntry,
} from '../web/src/features/channels/verify-entry.js';
import {
  GENERATED_PATH,
  generateApiTypes,
  readOpenApiDocument,
  type OpenApiDocument,
} from '../web/scripts/generate-api-types.js';
import { prepareNode, type Fixture } from './support/node-process.js';

let doc: OpenApiDocument;

beforeAll(async () => {
  doc = await readOpenApiDocument();
});

describe('web API client against the OpenAPI document', () => {
  it('calls only operations the node serves', () => {
    const missing = API_OPERATIONS.filter((op) => {
      const [method, path] = op.split(' ') as [string, string];
      return !doc.paths[path]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it('has generated types that match the current document (else run `npm run gen:web-api`)', async () => {
    const expected = await generateApiTypes(doc);
    const actual = readFileSync(GENERATED_PATH, 'utf8');
    expect(actual, 'web/src/lib/api-types.generated.ts is stale: run `npm run gen:web-api`').toBe(expected);
  });

  it('refuses to generate types for an operation the document lacks', async () => {
    await expect(generateApiTypes(doc, ['GET /api/v1/no-such-route'])).rejects.toThrow(
      'has no operation GET /api/v1/no-such-route',
    );
  });
});

describe('entry verification used by the browser (WebCrypto Ed25519)', () => {
  let fixture: Fixture;
  let node: ParleyNode;
  let server: RunningServer;
  let entries: VerifiableEntry[];

  beforeAll(async () => {
    fixture = await prepareNode();
    node = await openNode(fixture.dataDir);
    server = await startServer(node, { host: '127.0.0.1', port: 0, logLevel: 'silent' });
    const post = async (body: unknown): Promise<void> => {
      const response = await fetch(`${server.url}/api/v1/channels/intel/entries`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fixture.tokens['svr-duty']}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
    };
    await post({
      kind: 'note',
      precedence: 'FLASH',
      lang: 'ru',
      body: { text: 'Проверка связи — "кавычки" \\ \u2028', subject: 'Тест' },
    });
    await post({ kind: 'note', marking: 'EXERCISE', lang: 'en', body: { text: 'Exercise traffic 🚩' } });
    const response = await fetch(`${server.url}/api/v1/channels/intel/entries?limit=1000`, {
      headers: { authorization: `Bearer ${fixture.tokens['svr-duty']}` },
    });
    entries = ((await response.json()) as { entries: VerifiableEntry[] }).entries;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('re-encodes exactly as the core does and verifies every real entry', async () => {
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries.some((e) => e.marking === 'EXERCISE')).toBe(true);
    for (const entry of entries) {
      expect(canonicalJson(signedContent(entry))).toBe(canonicalize(signedContent(entry)));
      const check = await verifyEntry(entry);
      expect(check, entry.hash).toEqual({
        hashMatches: true,
        computedHash: entry.hash,
        signatureValid: true,
        problem: null,
      });
    }
  });

  it('fails a tampered entry: changed words, changed marking, or a signature from another entry', async () => {
    const note = entries.find((e) => e.kind === 'note')!;
    const words = await verifyEntry({ ...note, body: { ...note.body, text: 'Nothing is planned.' } });
    expect(words.hashMatches).toBe(false);
    expect(words.signatureValid).toBe(false);
    const marked = await verifyEntry({ ...note, marking: 'TEST' });
    expect(marked.signatureValid).toBe(false);
    const other = entries.find((e) => e.hash !== note.hash && e.authorKey === note.authorKey)!;
    const swapped = await verifyEntry({ ...note, sig: other.sig });
    expect(swapped.hashMatches).toBe(true);
    expect(swapped.signatureValid).toBe(false);
  });
});
