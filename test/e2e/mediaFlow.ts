// What media reaches a page, and waits for it, shared by the media e2e files. Each figure is read
// from the in-call quality overlay's rows (in the DOM whether or not the overlay is open; the app
// samples them once a second). Every wait that fails prints `whatFlows`: a failure seen once in ten
// loaded runs cannot be rerun at will, so its message carries what a rerun would have shown.
import type { Browser, Page } from 'playwright-core';
import type { Room } from '../../server/sfu/Room.ts';
import type { CallId } from '../../src/shared/protocol/index.ts';
import type { Desktop } from './harness.ts';
import { senders, TRACK_PEER_CONNECTIONS } from './peerConnections.ts';
import type { E2eSuite } from './suite.ts';

/** How long media may take to start, or to keep going, on a shared, slow machine. */
export const FLOW_MS = 30_000;
/** How long media may take to come back (after a server restart or a node's drain) on a shared, slow machine. */
export const RECOVER_MS = 45_000;
const POLL_MS = 250;

export type MediaKind = 'audio' | 'video';

/**
 * What `page` receives of `user`'s camera (video: frames decoded) or microphone (audio: packets),
 * per consumer: a row's test id carries its consumer id (stats-<id>).
 */
export async function byConsumer(page: Page, user: string, kind: MediaKind = 'video'): Promise<Map<string, number>> {
  const sel = `[data-direction="in"][data-user="${user}"][data-kind="${kind}"][data-source="${kind === 'video' ? 'camera' : 'mic'}"]`;
  const figure = kind === 'video' ? 'data-frames-decoded' : 'data-packets';
  const rows = await page.locator(sel).evaluateAll((els, a) => els.map((e) => [e.getAttribute('data-testid') ?? '', e.getAttribute(a) ?? '0'] as const), figure);
  return new Map(rows.map(([id, n]) => [id.replace(/^stats-/, ''), Number(n)]));
}

export interface MediaFlow {
  /**
   * What a failed wait prints: the page's quality overlay rows, what each desktop's browser sends
   * (peerConnections.ts; none for a desktop opened without TRACK_PEER_CONNECTIONS), and, where the
   * server runs in this process, every room with each device's producers and consumers as mediasoup has them.
   */
  whatFlows(page: Page): Promise<string>;
  /** A <video> with this test id shows decoded frames (videoWidth is only set once a frame arrived). */
  showsVideo(page: Page, testId: string, ms?: number): Promise<void>;
  /**
   * What `page` receives from `user` grows on some consumer between two samples. Each consumer is
   * compared with its own first sample: a frozen consumer still listed (its producer gone) next to
   * a new one that grows must not hide the new one.
   */
  keepsFlowing(page: Page, user: string, kind?: MediaKind, ms?: number): Promise<void>;
  /**
   * Frames from `user` decode on a consumer not in `old`, and keep growing on it: media came back
   * on NEW consumers (the old ones died with the server's router). Returns that consumer's id.
   */
  decodesOnNewConsumer(page: Page, user: string, old: ReadonlySet<string>, ms?: number): Promise<string>;
}

/** The waits, for these desktops (`desktops` is read when a wait fails) and, if given, the rooms of a server in this process. */
export function mediaFlow(of: { desktops: () => readonly Desktop[]; rooms?: () => ReadonlyMap<CallId, Room> }): MediaFlow {
  async function whatFlows(page: Page): Promise<string> {
    const rows = await page.locator('[data-direction]').evaluateAll((els) =>
      // The row's test id carries the consumer id (stats-<id>): the server's list below names the same ids.
      els.map((e) => [(e.getAttribute('data-testid') ?? '').slice(6, 14), ...['direction', 'user', 'kind', 'source', 'packets', 'frames-decoded'].map((a) => e.getAttribute(`data-${a}`) ?? '')].join(' ')),
    );
    const lines = [`this page's overlay: ${rows.length === 0 ? 'no rows' : rows.join(' | ')}`];
    for (const d of of.desktops()) {
      const sent = await senders(d.page).catch((e: unknown) => [`unreadable: ${String(e)}`]);
      lines.push(`${d.name}'s senders: ${sent.length === 0 ? 'none' : sent.join(' | ')}`);
    }
    if (of.rooms) lines.push(...roomLines(of.rooms()));
    return lines.join('\n');
  }

  return {
    whatFlows,
    async showsVideo(page, testId, ms = FLOW_MS) {
      const video = page.getByTestId(testId);
      const end = Date.now() + ms;
      // Reflect.get: this file is type-checked without the DOM library, and the page's CSP forbids string evaluation.
      while ((await video.count()) === 0 || Number(await video.first().evaluate((v) => Reflect.get(v, 'videoWidth'))) <= 0) {
        if (Date.now() > end) throw new Error(`${testId} shows no video\n${await whatFlows(page)}`);
        await page.waitForTimeout(POLL_MS);
      }
    },
    async keepsFlowing(page, user, kind = 'video', ms = FLOW_MS) {
      const end = Date.now() + ms;
      const first = new Map<string, number>();
      for (;;) {
        for (const [id, n] of await byConsumer(page, user, kind)) {
          const was = first.get(id);
          if (was === undefined) first.set(id, n);
          else if (n > was) return;
        }
        if (Date.now() > end) {
          const seen = [...first].map(([id, n]) => `${id.slice(0, 8)} at ${n}`).join(', ') || 'no consumer';
          const what = [...first.values()].some((n) => n > 0) ? 'stopped growing' : 'never arrived';
          throw new Error(`${kind} from ${user} ${what} (first sample per consumer: ${seen})\n${await whatFlows(page)}`);
        }
        await page.waitForTimeout(POLL_MS);
      }
    },
    async decodesOnNewConsumer(page, user, old, ms = RECOVER_MS) {
      const end = Date.now() + ms;
      let first: { id: string; frames: number } | null = null;
      for (;;) {
        const now = await byConsumer(page, user, 'video');
        if (!first) {
          const fresh = [...now].find(([id, f]) => !old.has(id) && f > 0);
          if (fresh) first = { id: fresh[0], frames: fresh[1] };
        } else if ((now.get(first.id) ?? 0) > first.frames) {
          return first.id;
        }
        if (Date.now() > end) {
          throw new Error(`${user}'s video never decoded again on a new consumer (${first ? `${first.id} stuck at ${first.frames}` : 'none'})\n${await whatFlows(page)}`);
        }
        await page.waitForTimeout(POLL_MS);
      }
    },
  };
}

/** For the files on e2eSuite: desktops that keep their peer connections, and waits that show the test server's rooms. */
export function suiteMedia(suite: E2eSuite): MediaFlow & { desktop(name: string, user: string | null, browser?: Browser): Promise<Desktop> } {
  return {
    ...mediaFlow({ desktops: () => suite.desktops, rooms: () => suite.t.server.services.sfu.rooms }),
    desktop: (name, user, browser) => suite.desktop(name, user, { initScript: TRACK_PEER_CONNECTIONS, ...(browser ? { browser } : {}) }),
  };
}

/** Every room on the server: each device's producers and consumers (paused, producer paused, closed, score). */
function roomLines(rooms: ReadonlyMap<CallId, Room>): string[] {
  if (rooms.size === 0) return ['server (this process): no rooms'];
  const lines: string[] = [];
  for (const [callID, r] of rooms) {
    const everyone = [...r.peers.values(), ...r.pending.values()];
    const from = (producerId: string): string => {
      const owner = everyone.find((o) => o.producers.has(producerId));
      return owner ? `${owner.userId}'s ${owner.producers.get(producerId)?.source ?? '?'}` : `gone ${producerId}`;
    };
    for (const p of everyone) {
      const producers = [...p.producers.values()].map((e) => `${e.source}${e.producer.paused ? ' paused' : ''}${e.producer.closed ? ' closed' : ''} score ${e.producer.score.map((x) => x.score).join('/') || '-'}`);
      const consumers = [...p.consumers.values()].map((c) => `${c.id.slice(0, 8)} ${from(c.producerId)}${c.paused ? ' paused' : ''}${c.producerPaused ? ' producerPaused' : ''}${c.closed ? ' closed' : ''} score ${c.score.score}/${c.score.producerScore}`);
      lines.push(`room ${callID} ${p.userId}${p.pending ? ' (ringing)' : ''}: sends [${producers.join(', ')}]; receives [${consumers.join(', ')}]`);
    }
  }
  return lines;
}
