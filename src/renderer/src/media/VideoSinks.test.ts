import { afterEach, describe, expect, it } from 'vitest';
import { VideoSinks } from './VideoSinks.ts';

// The test DOM has no camera tracks: a track is a token, and the stream seam records which stream got which.
const track = (id: string): MediaStreamTrack => ({ id, kind: 'video' }) as unknown as MediaStreamTrack; // only passed through
const streams = new Map<MediaStream, string>();
const sinks = (): VideoSinks =>
  new VideoSinks({
    doc: document,
    stream: (t) => {
      const s = new MediaStream();
      streams.set(s, t.id);
      return s;
    },
  });
const trackOf = (v: HTMLVideoElement): string | undefined => (v.srcObject instanceof MediaStream ? streams.get(v.srcObject) : undefined);
const parking = (): Element | null => document.querySelector('[data-role="video-parking"]');

afterEach(() => {
  document.body.replaceChildren();
  streams.clear();
});

describe('VideoSinks', () => {
  it('each received camera gets a muted, autoplaying <video> on its track at once, parked in the document', () => {
    const s = sinks();
    s.sync(new Map([['c1', track('t1')], ['c2', track('t2')]]));
    const parked = [...(parking()?.querySelectorAll('video') ?? [])];
    expect(parked).toHaveLength(2);
    for (const v of parked) expect([v.muted, v.autoplay]).toEqual([true, true]);
    expect(parked.map(trackOf)).toEqual(['t1', 't2']);
    expect(parking()?.getAttribute('aria-hidden')).toBe('true');
  });

  it('a tile borrows the same element (not a new one), and giving it back parks it again, still on its track', () => {
    const s = sinks();
    s.sync(new Map([['c1', track('t1')]]));
    const parked = parking()?.querySelector('video');
    const tile = document.createElement('div');
    document.body.append(tile);
    const el = s.borrow('c1', track('t1'));
    expect(el).toBe(parked);
    el.setAttribute('data-testid', 'remote-video-bob');
    tile.append(el);
    expect(parking()?.querySelector('video')).toBeNull();
    s.giveBack('c1', el);
    expect(el.parentElement).toBe(parking());
    expect(el.hasAttribute('data-testid')).toBe(false); // the parked copy is not what a test or a screen reader finds
    expect(trackOf(el)).toBe('t1');
    expect(streams.size).toBe(1);
  });

  it('a camera that is gone loses its element, even while a tile holds it; clear() removes everything', () => {
    const s = sinks();
    s.sync(new Map([['c1', track('t1')], ['c2', track('t2')]]));
    const held = s.borrow('c1', track('t1'));
    document.body.append(held);
    s.sync(new Map([['c2', track('t2')]]));
    expect(held.srcObject).toBeNull();
    expect(held.isConnected).toBe(false);
    s.giveBack('c1', held); // late give-back of a dropped one: stays gone
    expect(held.isConnected).toBe(false);
    expect(s.size).toBe(1);
    s.clear();
    expect(s.size).toBe(0);
    expect(parking()).toBeNull();
  });

  it('a tile that comes before the remotes were synced gets an element made on the spot', () => {
    const s = sinks();
    const el = s.borrow('c9', track('t9'));
    expect(trackOf(el)).toBe('t9');
    expect(s.borrow('c9', track('t9'))).toBe(el);
  });
});
