// LocalCapture's camera opens against a getUserMedia the test settles by hand: a preview asked while
// the pre-warm's camera is opening must not leave a second camera running.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import { useMediaStore } from '../stores/media.ts';
import { LocalCapture } from './LocalCapture.ts';
import type { Live } from './MediaSession.ts';
import type { RoomClient } from './RoomClient.ts';

interface FakeTrack {
  kind: string;
  readyState: 'live' | 'ended';
  stop(): void;
  addEventListener(): void;
}

/** Every camera getUserMedia was asked for, in order; the test opens them when it likes. */
let opens: { track: FakeTrack; open: () => void }[] = [];

function fakeTrack(kind: string): FakeTrack {
  const t: FakeTrack = { kind, readyState: 'live', stop: () => (t.readyState = 'ended'), addEventListener: () => undefined };
  return t;
}

const asTrack = (t: FakeTrack): MediaStreamTrack => t as unknown as MediaStreamTrack; // only what LocalCapture touches
const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A pre-warming session with one room whose publishes the test records. */
function setup(): { capture: LocalCapture; live: Live; published: string[] } {
  const published: string[] = [];
  const room = { closed: false, publish: (source: MediaSource) => (published.push(source), Promise.resolve()), unpublish: () => Promise.resolve() };
  const live: Live = { room: room as unknown as RoomClient, tracks: new Map(), offs: [] }; // the members LocalCapture calls
  const session = {
    live,
    state: 'prewarming' as const,
    adopt: (l: Live, source: MediaSource, track: MediaStreamTrack): boolean => {
      const old = l.tracks.get(source);
      l.tracks.set(source, track);
      if (old && old !== track) old.stop();
      return true;
    },
    report: (e: unknown) => {
      throw new Error(`unexpected report: ${String(e)}`);
    },
  };
  return { capture: new LocalCapture(session), live, published };
}

beforeEach(() => {
  setActivePinia(createPinia());
  opens = [];
  const getUserMedia = (c: MediaStreamConstraints): Promise<MediaStream> => {
    const track = fakeTrack(c.video ? 'video' : 'audio');
    return new Promise((resolve) => opens.push({ track, open: () => resolve({ getTracks: () => [track] } as unknown as MediaStream) }));
  };
  Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getUserMedia, addEventListener: () => undefined, removeEventListener: () => undefined } });
});
afterEach(() => {
  Reflect.deleteProperty(navigator, 'mediaDevices');
});

describe('LocalCapture: the camera while ringing', () => {
  it('a preview asked while the pre-warm’s camera opens takes that camera: one open, one camera', async () => {
    const { capture, live, published } = setup();
    const sending = capture.openCamera(live);
    const preview = capture.startPreview();
    await flush();
    expect(opens).toHaveLength(1); // the preview waits for the camera being opened instead of opening a second
    opens[0]?.open();
    await Promise.all([sending, preview]);
    expect(capture.preview).toBe(live.tracks.get('camera'));
    expect(useMediaStore().previewOn).toBe(true);
    expect(published).toEqual(['camera']);
  });

  /** The preview opens its own camera first, then the pre-warm opens one: both still opening; `first` settles first. */
  async function bothOpening(first: 'own' | 'prewarm'): Promise<{ capture: LocalCapture; live: Live; own: FakeTrack; prewarm: FakeTrack }> {
    const { capture, live } = setup();
    const preview = capture.startPreview(); // before the pre-warm: it opens a camera of its own
    await flush();
    const sending = capture.openCamera(live);
    await flush();
    const [own, prewarm] = opens;
    if (!own || !prewarm) throw new Error('expected two camera opens');
    const order = first === 'own' ? [[own, preview], [prewarm, sending]] as const : [[prewarm, sending], [own, preview]] as const;
    for (const [o, settled] of order) {
      o.open();
      await settled;
    }
    return { capture, live, own: own.track, prewarm: prewarm.track };
  }

  it('a preview whose own camera opened first: the pre-warm’s camera becomes the preview and the other one stops', async () => {
    const { capture, live, own, prewarm } = await bothOpening('own');
    expect(capture.preview).toBe(asTrack(prewarm));
    expect(live.tracks.get('camera')).toBe(asTrack(prewarm));
    expect(own.readyState).toBe('ended'); // not left running with nothing referring to it
    expect(prewarm.readyState).toBe('live');
    capture.stopPreview(); // the pre-warm sends it: it keeps running
    expect(prewarm.readyState).toBe('live');
  });

  it('a preview whose own camera opens after the pre-warm’s: that one stops, and the sent camera is the preview', async () => {
    const { capture, own, prewarm } = await bothOpening('prewarm');
    expect(capture.preview).toBe(asTrack(prewarm));
    expect(own.readyState).toBe('ended');
    expect(prewarm.readyState).toBe('live');
  });
});

describe('LocalCapture: a preview hidden while its camera opens', () => {
  it('stays hidden, and the camera it opened stops', async () => {
    const { capture } = setup();
    const preview = capture.startPreview();
    await flush();
    capture.stopPreview(); // the user hid it (or the call ended) before the camera opened
    opens[0]?.open();
    await preview;
    expect(useMediaStore().previewOn).toBe(false);
    expect(capture.preview).toBeNull();
    expect(opens[0]?.track.readyState).toBe('ended');
  });

  it('stays hidden when it was waiting for the pre-warm’s camera, which keeps being sent', async () => {
    const { capture, live } = setup();
    const sending = capture.openCamera(live);
    const preview = capture.startPreview();
    await flush();
    capture.stopPreview();
    opens[0]?.open();
    await Promise.all([sending, preview]);
    expect(useMediaStore().previewOn).toBe(false);
    expect(capture.preview).toBeNull();
    expect(opens[0]?.track.readyState).toBe('live'); // the pre-warmed room holds it
  });

  it('asked twice, opens into one preview and stops the camera of the start that lost', async () => {
    const { capture } = setup();
    const first = capture.startPreview();
    const second = capture.startPreview();
    await flush();
    opens[0]?.open();
    opens[1]?.open();
    await Promise.all([first, second]);
    expect(useMediaStore().previewOn).toBe(true);
    expect(capture.preview).toBe(asTrack(opens[1]?.track as FakeTrack));
    expect(opens[0]?.track.readyState).toBe('ended');
  });
});
