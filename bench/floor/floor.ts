// The bare mediasoup floor for bench:media, measured in the same run as the app: two Chromium pages
// running mediasoup-client alone (bench/floor/page.ts, bundled here with Vite), one Router on the
// test server's own worker and WebRtcServer, and this process as the only signaling. One sample:
// a fresh receive transport, then consume → first decoded frame of a camera that is already sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { types } from 'mediasoup';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { MEDIA_CODECS } from '../../server/sfu/mediaCodecs.ts';
import type { PooledWorker } from '../../server/sfu/WorkerPool.ts';
import { now } from '../results.ts';

export interface Floor {
  /** One consume → first decoded frame, in ms. */
  sample(): Promise<number>;
  close(): Promise<void>;
}

/** Bundles a bench page (mediasoup-client and its glue) into one script with Vite, in memory. */
export async function bundlePage(entry: string, name: string): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: resolve(entry), formats: ['iife'], name, fileName: () => `${name}.js` } },
  });
  // Vite answers one RollupOutput (or a list of them) for a one-format library build without watch.
  const first = (Array.isArray(out) ? out[0] : out) as Rollup.RollupOutput;
  const chunk = first.output.find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error(`${entry} did not bundle`);
  return chunk.code;
}

const params = (t: types.WebRtcTransport) => ({ id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters });
const call = (page: Page, fn: string, arg: unknown): Promise<unknown> => page.evaluate(`window.floor.${fn}(${JSON.stringify(arg)})`);

export async function startFloor(browser: Browser, w: PooledWorker, initialAvailableOutgoingBitrate: number): Promise<Floor> {
  const js = await bundlePage('bench/floor/page.ts', 'FloorPage');
  const http: Server = createServer((req, res) => {
    if (req.url === '/floor.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script src="/floor.js"></script></body></html>');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`; // listening on TCP

  const router = await w.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const transports = new Map<string, types.WebRtcTransport>();
  const consumers = new Map<string, types.Consumer>();
  let producerId = '';
  const transport = async (): Promise<types.WebRtcTransport> => {
    const t = await router.createWebRtcTransport({ webRtcServer: w.webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true, initialAvailableOutgoingBitrate });
    transports.set(t.id, t);
    return t;
  };
  const contexts: BrowserContext[] = [];
  const page = async (): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const p = await context.newPage();
    await p.exposeFunction('floorSignal', async (what: string, data: Record<string, unknown>) => {
      const t = transports.get(String(data['id']));
      switch (what) {
        case 'connect':
          await t?.connect({ dtlsParameters: data['dtlsParameters'] as types.DtlsParameters }); // mediasoup-client's own
          return null;
        case 'produce': {
          const producer = await t?.produce({ kind: data['kind'] as types.MediaKind, rtpParameters: data['rtpParameters'] as types.RtpParameters }); // mediasoup-client's own
          producerId = producer?.id ?? '';
          return producerId;
        }
        case 'resume':
          await consumers.get(String(data['id']))?.resume();
          return null;
        default:
          throw new Error(`unknown floor signal ${what}`);
      }
    });
    await p.goto(url);
    await p.waitForFunction('window.floor !== undefined');
    return p;
  };

  const sender = await page();
  const receiver = await page();
  await call(sender, 'load', router.rtpCapabilities);
  const caps = (await call(receiver, 'load', router.rtpCapabilities)) as types.RtpCapabilities; // the Device's own
  await call(sender, 'produceCamera', params(await transport()));
  if (!producerId) throw new Error('the floor sender did not produce');

  return {
    async sample() {
      const recv = await transport();
      await call(receiver, 'recvTransport', params(recv));
      const t0 = now();
      const c = await recv.consume({ producerId, rtpCapabilities: caps, paused: true });
      consumers.set(c.id, c);
      const frameAt = Number(await call(receiver, 'consume', { id: c.id, producerId, kind: c.kind, rtpParameters: c.rtpParameters }));
      c.close();
      recv.close();
      return frameAt - t0;
    },
    async close() {
      for (const c of contexts) await c.close();
      router.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
