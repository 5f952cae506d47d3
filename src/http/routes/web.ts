/**
 * Serves the web app (a single-page app built by `npm run build:web` into dist/web): index.html
 * for `/` and every client route under `/app/`, and the hashed files under `/assets/`. The HTML
 * carries a strict Content-Security-Policy (everything from this origin only) and is never
 * cached without revalidation; hashed assets are immutable. Public: the app itself holds no
 * data, and signs in through the API.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { TypedApp } from '../typed-app.js';

/**
 * dist/web, found from this module: compiled it lives in dist/src/http/routes/, run from source
 * (tsx, tests) in src/http/routes/.
 */
export function defaultWebRoot(): string {
  const up = resolve(fileURLToPath(import.meta.url), '../../../..');
  return basename(up) === 'dist' ? join(up, 'web') : join(up, 'dist', 'web');
}

/** Same origin only; no inline script or style elements, no framing, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Asset names as Vite writes them: one path segment, no dot-dot, no separators. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

const NOT_BUILT =
  'The Parley web app is not built on this node. Run `npm run build` (or `npm run build:web`) and reload.\n';

function sendNotFound(reply: FastifyReply, path: string): FastifyReply {
  return reply
    .status(404)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: { code: 'not_found', message: `no file ${path}` } });
}

export function registerWebRoutes(app: TypedApp, webRoot: string = defaultWebRoot()): void {
  const assetsDir = join(webRoot, 'assets');
  const options = { config: { public: true }, schema: { hide: true } } as const;

  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    let html: string;
    try {
      html = await readFile(join(webRoot, 'index.html'), 'utf8');
    } catch {
      return reply
        .status(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT);
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .send(html);
  };

  app.get('/', options, async (_request, reply) => sendIndex(reply));
  app.get('/app', options, async (_request, reply) => sendIndex(reply));
  app.get('/app/*', options, async (_request, reply) => sendIndex(reply));

  app.get('/assets/*', options, async (request, reply) => {
    const name = (request.params as Record<string, string | undefined>)['*'] ?? '';
    if (!ASSET_NAME.test(name) || name.includes('..')) return sendNotFound(reply, `/assets/${name}`);
    const file = resolve(assetsDir, name);
    if (!file.startsWith(assetsDir + sep)) return sendNotFound(reply, `/assets/${name}`);
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return sendNotFound(reply, `/assets/${name}`);
      size = info.size;
    } catch {
      return sendNotFound(reply, `/assets/${name}`);
    }
    return reply
      .header('content-type', CONTENT_TYPES[extname(name)] ?? 'application/octet-stream')
      .header('content-length', String(size))
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(file));
  });
}
