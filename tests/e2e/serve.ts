/**
 * A tiny static server for dist/ with the headers the page is meant to be served with: cross-origin isolation
 * (COOP/COEP: wasm threads use SharedArrayBuffer) and the Content-Security-Policy (src/csp.ts), with a
 * same-origin report endpoint that collects violation reports (the worker's included). Node's http only;
 * binds 127.0.0.1 on a free port.
 *
 *   npx tsx tests/e2e/serve.ts [dir] [port]     # manual use
 */
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cspHeader } from '../../src/csp.ts';

/** Where browsers POST Content-Security-Policy violation reports (report-uri). */
export const CSP_REPORT_PATH = '/__csp-report';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.safetensors': 'application/octet-stream',
  '.npz': 'application/octet-stream',
  '.jsonl': 'application/x-ndjson',
  '.txt': 'text/plain; charset=utf-8',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface StaticServer {
  url: string;
  /** CSP violation reports received (JSON text), in order. */
  cspReports: string[];
  close(): Promise<void>;
}

export function serveStatic(root: string, port = 0): Promise<StaticServer> {
  const base = path.resolve(root);
  const cspReports: string[] = [];
  const policy = cspHeader({ reportUri: CSP_REPORT_PATH });
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method === 'POST' && pathname === CSP_REPORT_PATH) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        cspReports.push(body);
        res.writeHead(204).end();
      });
      return;
    }
    let file = path.join(base, pathname);
    if (!file.startsWith(base)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...ISOLATION_HEADERS }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': policy,
      ...ISOLATION_HEADERS,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        cspReports,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist';
  const port = Number(process.argv[3] ?? 4173);
  void serveStatic(dir, port).then((s) => console.log(`serving ${dir} at ${s.url}`));
}
