#!/usr/bin/env node
/**
 * A tiny static file server for the browser tests and the demo page: serves
 * the repository root on 127.0.0.1 (a free port unless one is given), with
 * the MIME types browsers insist on (`application/wasm` for
 * WebAssembly.compileStreaming, `text/javascript` for ES modules), no
 * caching, and no path ever outside the root.
 *
 *   node scripts/serve.js                 # prints http://127.0.0.1:PORT/
 *   node scripts/serve.js --demo          # builds if needed, prints the demo's URL
 *   node scripts/serve.js --port 8080     # a fixed port (also: PORT=8080)
 *
 *   import { serve } from './scripts/serve.js';
 *   const server = await serve();          // { url, port, close() }
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wat': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Start serving `root` (default: the repository). Resolves once listening.
 * `headers` are sent with every response (test/threads-browser.test.ts: the COOP and COEP headers that make a page crossOriginIsolated).
 * @param {{ root?: string, port?: number, host?: string, log?: (line: string) => void, headers?: Record<string, string> }} [options]
 * @returns {Promise<{ url: string, port: number, server: import('node:http').Server, close: () => Promise<void> }>}
 */
export async function serve(options = {}) {
  const root = resolve(options.root ?? ROOT);
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(options.headers ?? {})) res.setHeader(k, v);
    handle(root, req, res).then(
      (status) => log?.(`${status} ${req.method} ${req.url}`),
      (e) => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `500 ${e.message}\n`);
        else res.destroy();
        log?.(`500 ${req.method} ${req.url}: ${e.message}`);
      },
    );
  });
  await new Promise((ok, bad) => {
    server.once('error', bad);
    server.listen(options.port ?? 0, host, () => ok(undefined));
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://${host}:${port}/`,
    port,
    server,
    close: () => new Promise((ok) => {
      server.close(() => ok(undefined));
      server.closeAllConnections();
    }),
  };
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
  res.end(body);
}

async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', '405 only GET and HEAD\n', { allow: 'GET, HEAD' });
    return 405;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let pathname;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    send(res, 400, 'text/plain; charset=utf-8', '400 bad URL encoding\n');
    return 400;
  }
  const file = resolve(root, '.' + pathname);
  if (pathname.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
    send(res, 403, 'text/plain; charset=utf-8', '403 outside the served folder\n');
    return 403;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info) {
    send(res, 404, 'text/plain; charset=utf-8', `404 not found: ${pathname}\n`);
    return 404;
  }
  if (info.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { location: url.pathname + '/' + url.search, 'cache-control': 'no-store' });
      res.end();
      return 301;
    }
    const index = join(file, 'index.html');
    if (existsSync(index)) return sendFile(req, res, index, statSync(index));
    return sendListing(req, res, root, file, pathname);
  }
  return sendFile(req, res, file, info);
}

function sendFile(req, res, file, info) {
  res.writeHead(200, {
    'content-type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return 200;
}

/** A plain HTML listing of a folder without index.html (also a blank page the tests can load modules from). */
function sendListing(req, res, root, dir, pathname) {
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
  const items = entries.map((e) => {
    const name = e.name + (e.isDirectory() ? '/' : '');
    return `<li><a href="${encodeURIComponent(e.name)}${e.isDirectory() ? '/' : ''}">${escapeHtml(name)}</a></li>`;
  });
  const title = `/${relative(root, dir).split(sep).join('/')}`;
  const body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head>\n`
    + `<body style="font-family: system-ui, sans-serif"><h1>${escapeHtml(pathname)}</h1><ul>\n${items.join('\n')}\n</ul></body></html>\n`;
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end();
  } else send(res, 200, 'text/html; charset=utf-8', body);
  return 200;
}

/** Newest modification time (ms) of the files under `dir` (recursively), 0 if it does not exist. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs);
  }
  return t;
}

/** True when dist/ or build/ is missing or older than the sources it is built from. */
export function buildIsStale(root = ROOT) {
  const outputs = ['dist/entry/browser.js', 'dist/plot/index.js', 'build/simd.wasm', 'build/simd-relaxed.wasm', 'build/scalar.wasm'].map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return Math.max(newest(join(root, 'src')), newest(join(root, 'assembly'))) > built;
}

async function main(argv) {
  const demo = argv.includes('--demo');
  const portAt = argv.indexOf('--port');
  const port = portAt >= 0 ? Number(argv[portAt + 1]) : process.env.PORT ? Number(process.env.PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`serve: --port must be a port number (0 … 65535), got ${JSON.stringify(argv[portAt + 1] ?? process.env.PORT)}\n`);
    process.exit(2);
  }
  if (demo && buildIsStale()) {
    process.stdout.write('Building the library (npm run build) …\n');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const verbose = argv.includes('--verbose');
  const s = await serve({ port, log: verbose ? (l) => process.stdout.write(l + '\n') : undefined }).catch((e) => {
    process.stderr.write(`serve: cannot listen on 127.0.0.1:${port}: ${e.message}\n`);
    process.exit(1);
  });
  const target = demo ? `${s.url}examples/demo/` : s.url;
  process.stdout.write(`${demo ? 'lstm-wasm demo' : `Serving ${ROOT}`} at ${target}\n(Ctrl+C to stop)\n`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
