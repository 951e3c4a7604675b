import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { composeApp } from '../../src/main/app/compose.ts';
import type { CoreOptions, DesktopCore } from '../../src/main/app/DesktopCore.ts';
import { Logger } from '../../src/main/log/Logger.ts';
import { HeadlessPlatform } from '../../src/main/platform/headless.ts';
import { checkHandshake, newHostToken } from './handshake.ts';
import { WsIpcTransport } from './wsTransport.ts';

const log = new Logger('HeadlessHost');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
/** The same policy as the renderer's meta tag, plus the host's own WebSocket. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

export interface HostOptions {
  /** electron-vite's renderer output (out/renderer): what ships, not a dev build. */
  rendererDir: string;
  /** The profile folder (settings, token, logs). */
  userDataDir: string;
  port?: number;
  locale?: string;
  hostName?: string;
  core?: Omit<CoreOptions, 'platform'>;
}

export interface HeadlessHost {
  /** The page to open: it carries this run's token (`?token=`), which the page's socket must present. */
  url: string;
  core: DesktopCore;
  platform: HeadlessPlatform;
  transport: WsIpcTransport;
  close(): Promise<void>;
}

/**
 * Runs the real main-process core in Node with the recording platform, serves the built renderer
 * over http and carries the IPC contract over a WebSocket on /ipc. The page cannot tell it apart
 * from the preload except by the transport.
 */
export async function startHeadlessHost(o: HostOptions): Promise<HeadlessHost> {
  const root = resolve(o.rendererDir);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`no built renderer at ${root}: run "npx electron-vite build" first`);
  const platform = new HeadlessPlatform({ userDataDir: o.userDataDir, osLocale: o.locale ?? 'en-US', ...(o.hostName ? { hostName: o.hostName } : {}) });
  const transport = new WsIpcTransport();

  const http: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  const token = newHostToken();
  let origin = '';
  http.on('upgrade', (req, socket, head) => {
    const verdict = checkHandshake(req, { origin, token });
    if (!verdict.ok) {
      log.warn('refused an IPC socket from %s: %s', req.socket.remoteAddress ?? '?', verdict.reason);
      socket.end(`HTTP/1.1 ${verdict.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    transport.wss.handleUpgrade(req, socket, head, (ws) => transport.wss.emit('connection', ws, req));
  });
  await new Promise<void>((r) => http.listen(o.port ?? 0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`; // listening on TCP, so an AddressInfo

  const app = await composeApp({ platform, transport, isTrustedSender: (url) => url === `${origin}/`, ...(o.core ? { core: o.core } : {}) });

  return {
    url: `${origin}/?token=${token}`,
    core: app.core,
    platform,
    transport,
    async close() {
      app.close();
      for (const ws of transport.wss.clients) ws.terminate();
      transport.wss.close();
      await new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
    },
  };
}
