// The page's RTCPeerConnections, kept by an init script so that a test can read the browser's own view
// of them (turn.e2e: the selected candidate pair; media.e2e: what each sender sends when a wait fails).
import type { Page } from 'playwright-core';

/** Keeps every RTCPeerConnection the app makes in `window.__ringdeskPcs` (pass as a desktop's initScript). */
export const TRACK_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__ringdeskPcs) return;
  const pcs = [];
  Object.defineProperty(window, '__ringdeskPcs', { value: pcs });
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); pcs.push(this); }
  };
})();`;

/**
 * One line per sender of every open peer connection: its track (kind, readyState, enabled, muted) and,
 * per encoding, the packets sent so far. A track that ended, was left disabled or was taken off the
 * sender (a paused producer sends none) shows here when the other side receives nothing.
 */
export function senders(page: Page): Promise<string[]> {
  // Runs in the page; typed loosely because the tests are checked without the DOM library.
  return page.evaluate(async () => {
    type Stat = Record<string, unknown>;
    type Track = { kind: string; readyState: string; enabled: boolean; muted: boolean; id: string };
    type Sender = { track: Track | null; getStats(): Promise<{ forEach(f: (v: Stat) => void): void }> };
    type Pc = { connectionState: string; getSenders(): Sender[] };
    const pcs = (Reflect.get(globalThis, '__ringdeskPcs') ?? []) as Pc[];
    const out: string[] = [];
    for (const [i, pc] of pcs.entries()) {
      if (pc.connectionState === 'closed') continue;
      for (const s of pc.getSenders()) {
        const t = s.track;
        const sent: string[] = [];
        (await s.getStats()).forEach((v) => {
          if (v['type'] === 'outbound-rtp') sent.push(`${String(v['rid'] ?? '-')}:${String(v['packetsSent'] ?? 0)}`);
        });
        if (!t && sent.length === 0) continue; // a receiving transceiver's idle sender
        const track = t ? `${t.kind} ${t.id.slice(0, 8)} ${t.readyState}${t.enabled ? '' : ' disabled'}${t.muted ? ' muted' : ''}` : 'no track';
        out.push(`pc${i} (${pc.connectionState}) sender: ${track}; packets sent ${sent.join(' ') || '-'}`);
      }
    }
    return out;
  });
}
