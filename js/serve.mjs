// A tiny static file server for the browser demo (node:http only).
//
// usage: node js/serve.mjs [--dir build/web] [--port 8080] [--host 127.0.0.1]
//   --port 0 picks a free port. Prints the URL.
//
// import { serve } from './serve.mjs'; const { url, close } = await serve({ dir, port: 0 });
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.jtm': 'application/octet-stream',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
};

/**
 * Maps a request path to a file under root, or null when it would leave the
 * root (or is malformed). Directories map to their index.html.
 */
export function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  const file = path.join(root, ...parts);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function send(res, status, message) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
  res.end(message);
}

/** Starts serving `dir`; resolves to {server, url, port, close()}. */
export function serve({ dir = 'build/web', port = 8080, host = '127.0.0.1', log = false } = {}) {
  const root = fs.realpathSync(path.resolve(dir));
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    let file = resolvePath(root, req.url || '/');
    if (file === null) return send(res, 403, 'forbidden\n');
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!req.url.split('?')[0].endsWith('/')) {
          res.writeHead(301, { Location: req.url.split('?')[0] + '/' });
          return res.end();
        }
        file = path.join(file, 'index.html');
        try {
          st = fs.statSync(file);
        } catch (e) {
          err = e;
        }
      }
      if (err || !st.isFile()) return send(res, 404, 'not found\n');
      // Symbolic links must not lead out of the root either.
      let real;
      try {
        real = fs.realpathSync(file);
      } catch {
        return send(res, 404, 'not found\n');
      }
      if (real !== root && !real.startsWith(root + path.sep)) return send(res, 403, 'forbidden\n');
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': st.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (log) console.log(`${req.method} ${req.url} 200 ${st.size}`);
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: actual,
        url: `http://${shownHost}:${actual}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

function main() {
  const args = process.argv.slice(2);
  const opts = { dir: 'build/web', port: 8080, host: '127.0.0.1', log: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--log') { opts.log = true; continue; }
    const v = args[i + 1];
    if (!['--dir', '--port', '--host'].includes(a) || v === undefined) {
      console.error('usage: node js/serve.mjs [--dir build/web] [--port 8080] [--host 127.0.0.1] [--log]');
      process.exit(2);
    }
    opts[a.slice(2)] = a === '--port' ? Number(v) : v;
    i++;
  }
  if (!fs.existsSync(path.join(opts.dir, 'index.html'))) {
    console.error(`serve: ${opts.dir}/index.html not found; build the demo first (node js/build-web.mjs --package DIR --samples ITEMS.ndjson --out ${opts.dir})`);
    process.exit(1);
  }
  serve(opts).then(({ url }) => {
    console.log(`serving ${path.resolve(opts.dir)} at ${url}`);
  }, (e) => {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
