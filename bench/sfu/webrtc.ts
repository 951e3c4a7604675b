// bench:sfu's WebRTC receivers, the Node half: Chromium pages running mediasoup-client alone
// (bench/sfu/page.ts, bundled here with Vite), each holding up to `perPage` receive transports, each
// page in its own browser context (its own renderer process: Chromium refuses a 501st
// RTCPeerConnection per renderer). The transports are WebRtcTransports on the worker's WebRtcServer,
// created as server/sfu/Room.ts creates them; this process is the only signaling.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { types } from 'mediasoup';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SfuConfigSchema } from '../../server/sfu/SfuConfig.ts';
import { bundlePage } from '../floor/floor.ts';
import type { Receivers } from './receivers.ts';

/** Receivers set up at once per page: more only queues DTLS handshakes on a busy machine. */
const IN_FLIGHT_PER_PAGE = 8;
/** One receiver's setup stage (transport, SDP, DTLS) taking longer than this is reported as hung. */
const SETUP_TIMEOUT_MS = 60_000;
/** The server's own default (SfuConfig), so the worker's bandwidth estimator starts where a room's does. */
const INITIAL_OUTGOING_BITRATE = SfuConfigSchema.parse({}).initialAvailableOutgoingBitrate;

/** Serves the bundled page over loopback HTTP (a page needs an origin for its Worker blob). */
export interface PageHost {
  url: string;
  close(): Promise<void>;
}

export async function hostPage(): Promise<PageHost> {
  const js = await bundlePage('bench/sfu/page.ts', 'SfuPage');
  const http: Server = createServer((req, res) => {
    if (req.url === '/sfu.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script src="/sfu.js"></script></body></html>');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`, // listening on TCP
    close: () => new Promise<void>((r) => http.close(() => r())),
  };
}

interface BenchPage {
  context: BrowserContext;
  page: Page;
  receivers: number;
  caps: types.RtpCapabilities;
}

/** Fails with the stage and the transport's ICE/DTLS state when one receiver's setup hangs. */
async function within<T>(stage: string, t: types.WebRtcTransport | null, f: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`a WebRTC receiver hung in ${stage} for ${SETUP_TIMEOUT_MS / 1000} s${t ? ` (ICE ${t.iceState}, DTLS ${t.dtlsState})` : ''}`)), SETUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([f(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const call = (page: Page, fn: string, arg?: unknown): Promise<unknown> => page.evaluate(`window.sfuBench.${fn}(${arg === undefined ? '' : JSON.stringify(arg)})`);

export function webrtcReceivers(o: { browser: Browser; url: string; router: types.Router; webRtcServer: types.WebRtcServer; perPage: number }): Receivers {
  const pages: BenchPage[] = [];
  const transports: types.WebRtcTransport[] = [];
  const consumers: types.Consumer[] = [];
  const byId = new Map<string, types.WebRtcTransport>();

  const openPage = async (): Promise<BenchPage> => {
    const context = await o.browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => process.stderr.write(`[bench:sfu page error] ${e.message}\n`));
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`[bench:sfu page] ${m.text()}\n`);
    });
    page.on('crash', () => process.stderr.write(`[bench:sfu] a page crashed (page ${pages.length + 1})\n`));
    await page.exposeFunction('sfuConnect', async (id: string, dtlsParameters: types.DtlsParameters) => {
      const t = byId.get(id);
      if (!t) throw new Error(`no transport ${id}`);
      await t.connect({ dtlsParameters }); // mediasoup-client's own, from the page
    });
    await page.goto(o.url);
    await page.waitForFunction('window.sfuBench !== undefined');
    const caps = (await call(page, 'load', o.router.rtpCapabilities)) as types.RtpCapabilities; // the Device's own
    const p = { context, page, receivers: 0, caps };
    pages.push(p);
    return p;
  };

  const one = async (p: BenchPage, producers: types.Producer[]): Promise<void> => {
    const t = await within('createWebRtcTransport', null, () =>
      o.router.createWebRtcTransport({
        webRtcServer: o.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      }),
    );
    transports.push(t);
    byId.set(t.id, t);
    const mine: types.Consumer[] = [];
    for (const producer of producers) mine.push(await within('consume', t, () => t.consume({ producerId: producer.id, rtpCapabilities: p.caps, paused: true })));
    consumers.push(...mine);
    await within('the page receiving', t, () =>
      call(p.page, 'receive', {
        transport: { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters },
        consumers: mine.map((c) => ({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters })),
      }),
    );
    // Resumed once the page reads the encoded frames, so no frame reaches a decoder unseen.
    for (const c of mine) await within('resume', t, () => c.resume());
  };

  return {
    transport: 'webrtc',
    consumers,
    transports,
    async add(count, producers) {
      let left = count;
      while (left > 0) {
        const p = pages.find((x) => x.receivers < o.perPage) ?? (await openPage());
        const n = Math.min(left, o.perPage - p.receivers);
        p.receivers += n;
        left -= n;
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < n) {
            next++;
            await one(p, producers);
          }
        };
        await Promise.all(Array.from({ length: Math.min(IN_FLIGHT_PER_PAGE, n) }, lane));
      }
    },
    async framesSeen() {
      const out = new Map<string, number>();
      for (const p of pages) for (const [id, n] of Object.entries((await call(p.page, 'frames')) as Record<string, number>)) out.set(id, n);
      return out;
    },
    async chromiumInbound() {
      const sum: Record<string, number> = {};
      for (const p of pages) for (const [k, n] of Object.entries((await call(p.page, 'inbound')) as Record<string, number>)) sum[k] = (sum[k] ?? 0) + n;
      return sum;
    },
    async notConnected() {
      const out = new Map<string, string>();
      for (const p of pages) for (const [id, s] of Object.entries((await call(p.page, 'notConnected')) as Record<string, string>)) out.set(id, s);
      return out;
    },
    async close() {
      for (const p of pages) await p.context.close();
      pages.length = 0;
      for (const t of transports) t.close();
      transports.length = 0;
      consumers.length = 0;
      byId.clear();
    },
  };
}
