// A small static server for the web form: the built page (target/www/, from
// www/ by scripts/build-web.mjs) at /, the built package (pkg/) at /pkg/. It
// sets the Content-Security-Policy (this origin only, plus 'wasm-unsafe-eval'
// to compile the module), the right MIME types (application/wasm), and
// compresses with brotli or gzip.
//
//   node scripts/serve.mjs            # http://127.0.0.1:8080/ (PORT=… to change)
//   import { startServer } from './serve.mjs'   # tests: port 0 = a free port

import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { constants as zc, brotliCompress, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt', '.map']);

const HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cache-Control': 'no-cache',
};

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compressed bodies (promises), by file, size, mtime and encoding. */
const cache = new Map();

function extOf(file) {
  return file.endsWith('.d.ts') ? '.d.ts' : path.extname(file).toLowerCase();
}

/** Maps a URL path to a file under www/ or pkg/, or null (outside, or bad). */
function resolve(urlPath, roots) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes('\0')) return null;
  let root = roots.www;
  if (p === '/pkg' || p.startsWith('/pkg/')) {
    root = roots.pkg;
    p = p.slice('/pkg'.length);
  }
  if (p === '' || p.endsWith('/')) p += 'index.html';
  const file = path.resolve(root, `.${path.posix.normalize(p)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function pickEncoding(accept) {
  const a = String(accept ?? '');
  if (/\bbr\b/.test(a)) return 'br';
  if (/\bgzip\b/.test(a)) return 'gzip';
  return null;
}

/** A file's body in an encoding; compressed once (off the main thread) and kept. */
function body(file, st, encoding) {
  const key = `${file}|${st.size}|${st.mtimeMs}|${encoding ?? ''}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = (async () => {
      const raw = await readFile(file);
      let data = raw;
      if (encoding === 'br') {
        data = await brotliAsync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
      } else if (encoding === 'gzip') {
        data = await gzipAsync(raw, { level: 9 });
      }
      const etag = `"${createHash('sha1').update(raw).digest('base64url').slice(0, 20)}${encoding ? `-${encoding}` : ''}"`;
      return { data, etag };
    })();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Compresses every servable file ahead of the first request. */
async function warmUp(roots) {
  const files = [];
  const walk = async (dir) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (COMPRESSIBLE.has(extOf(p))) files.push(p);
    }
  };
  await walk(roots.www);
  await walk(roots.pkg);
  await Promise.all(files.map(async (f) => {
    const st = await stat(f);
    await Promise.all([body(f, st, 'br'), body(f, st, 'gzip')]);
  }));
}

/**
 * Starts the server.
 * @param {{port?: number, host?: string, www?: string, pkg?: string, log?: boolean}} [opts]
 * @returns {Promise<{server: import('node:http').Server, url: string, close: () => Promise<void>}>}
 */
export async function startServer(opts = {}) {
  const roots = {
    www: path.resolve(opts.www ?? path.join(REPO, 'target', 'www')),
    pkg: path.resolve(opts.pkg ?? path.join(REPO, 'pkg')),
  };
  for (const [dir, file, what] of [[roots.www, 'index.html', 'page'], [roots.pkg, 'huimin_web_bg.wasm', 'package']]) {
    try {
      await stat(path.join(dir, file));
    } catch {
      throw new Error(`${dir} holds no built ${what}: run \`npm run build\` first`);
    }
  }
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(async (req, res) => {
    const send = (status, text, extra = {}) => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(400, 'bad path\n'); // e.g. `//`, which is no URL path
      return;
    }
    const file = resolve(url.pathname, roots);
    if (!file) {
      send(400, 'bad path\n');
      return;
    }
    let st;
    try {
      st = await stat(file);
    } catch {
      send(404, 'not found\n');
      return;
    }
    if (!st.isFile()) {
      send(404, 'not found\n');
      return;
    }
    const ext = extOf(file);
    const encoding = COMPRESSIBLE.has(ext) ? pickEncoding(req.headers['accept-encoding']) : null;
    try {
      const { data, etag } = await body(file, st, encoding);
      const headers = {
        ...HEADERS,
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      if (encoding) headers['Content-Encoding'] = encoding;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      headers['Content-Length'] = String(data.length);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch (e) {
      send(500, `cannot read the file: ${e.message}\n`);
    }
    if (opts.log) console.log(`${req.method} ${url.pathname} ${res.statusCode}`);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => {
      const { port } = server.address();
      resolvePromise({
        server,
        url: `http://${host}:${port}/`,
        /** Resolves when every file is compressed (requests do not wait for it). */
        ready: warmUp(roots).catch(() => {}),
        close: () => new Promise((r) => {
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // PORT (0: any free port), LOG=1 logs requests; HUIMIN_WWW and HUIMIN_PKG
  // serve other folders (HUIMIN_WWW=www: the page's sources, unbundled), and
  // HUIMIN_SAY_READY=1 prints `ready` once every file is compressed
  // (scripts/measure-web.mjs runs the server so).
  const port = Number(process.env.PORT ?? 8080);
  const env = process.env;
  startServer({ port, log: env.LOG === '1', www: env.HUIMIN_WWW || undefined, pkg: env.HUIMIN_PKG || undefined })
    .then(({ url, ready }) => {
      console.log(`huimin web form: ${url}`);
      console.log('(Ctrl-C to stop)');
      if (env.HUIMIN_SAY_READY === '1') ready.then(() => console.log('ready'));
    })
    .catch((e) => {
      console.error(`cannot serve the web form on 127.0.0.1:${port}: ${e.message}`);
      process.exit(1);
    });
}
