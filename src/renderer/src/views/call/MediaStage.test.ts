import { afterEach, describe, expect, it, vi } from 'vitest';
import { asDeviceId, asUserId } from '../../../../shared/protocol/common.ts';
import type { RemoteStream } from '../../media/roomTypes.ts';
import type { StreamStats } from '../../media/stats.ts';
import { useMediaStore } from '../../stores/media.ts';
import { makeCall, makeContact, makeSnapshot, makeView, T0 } from '../../testing/fixtures.ts';
import { FakeBridge } from '../../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../../testing/mountApp.ts';

// The in-call pieces as the media store describes them: the session (mediasoup, devices) is
// replaced so the test sets the store the way the session would. RoomClient has its own tests.
/** The playing <video> of a received camera, by consumer id, as the session would lend it to a tile. */
const { videos } = vi.hoisted(() => ({ videos: new Map<string, HTMLVideoElement>() }));
vi.mock('../../media/session.ts', () => ({
  startMediaSession: () => () => undefined,
  remoteTrack: () => null,
  borrowVideo: (id: string) => videos.get(id) ?? null,
  returnVideo: () => undefined,
  localTrack: () => null,
  preferLayer: () => undefined,
  currentRoom: () => null,
  adopt: () => false,
  startPreview: async () => undefined,
  stopPreview: () => undefined,
}));

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
  videos.clear();
});

const contacts = [makeContact('bob', 'online', false, 'Bob Stone'), makeContact('carol', 'online', false, 'Carol Ng')];
const call = makeCall({ callID: 'live1', mode: 'advanced', createdAt: T0, users: [{ userId: 'bob', state: 'accepted' }, { userId: 'carol', state: 'accepted' }] });

async function open(): Promise<{ m: Mounted; media: ReturnType<typeof useMediaStore> }> {
  m = await mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ calls: [makeView(call, 'alice')] }), contacts }), path: '/call/live1' });
  const media = useMediaStore(m.pinia);
  media.callID = 'live1';
  media.state = 'connected';
  return { m, media };
}

const member = (u: string) => ({ userId: asUserId(u), deviceId: asDeviceId(`${u}-pc`), deviceName: `${u}-pc` });
const stream = (u: string, kind: 'audio' | 'video', source: RemoteStream['source'], paused = false): RemoteStream => ({
  consumerId: `c-${u}-${source}`,
  producerId: `p-${u}-${source}`,
  userId: asUserId(u),
  deviceId: asDeviceId(`${u}-pc`),
  kind,
  source,
  paused,
});
const stat = (over: Partial<StreamStats>): StreamStats => ({
  key: 'c-bob-camera',
  direction: 'in',
  kind: 'video',
  source: 'camera',
  userId: 'bob',
  rttMs: 12,
  lossPct: 0,
  kbps: 800,
  width: 640,
  height: 360,
  packets: 500,
  framesDecoded: 120,
  ...over,
});

describe('in-call media', () => {
  it('one other member: 1:1 view with a self-view; their mute and camera-off show on their tile', async () => {
    const { m, media } = await open();
    media.members = [member('bob')];
    media.remotes = [stream('bob', 'audio', 'mic', true), stream('bob', 'video', 'camera')];
    await settle();
    expect(m.get('media-stage').getAttribute('data-layout')).toBe('one');
    const bob = m.get('tile-bob');
    expect(bob.getAttribute('data-mic')).toBe('muted');
    expect(bob.getAttribute('data-camera')).toBe('on');
    expect(bob.textContent).toContain('Bob Stone');
    expect(m.find('remote-video-bob')).not.toBeNull();
    expect(m.find('remote-audio-bob')).not.toBeNull();
    expect(m.find('self-video')).not.toBeNull();
    media.remotes = [stream('bob', 'audio', 'mic'), stream('bob', 'video', 'camera', true)];
    await settle();
    expect(bob.getAttribute('data-mic')).toBe('on');
    expect(bob.getAttribute('data-camera')).toBe('off');
  });

  it('more members: a grid with the active speaker highlighted; a screen share takes the stage', async () => {
    const { m, media } = await open();
    media.members = [member('bob'), member('carol')];
    media.remotes = [stream('bob', 'video', 'camera'), stream('carol', 'video', 'camera')];
    media.activeSpeaker = 'carol/carol-pc';
    await settle();
    expect(m.get('media-stage').getAttribute('data-layout')).toBe('grid');
    expect(m.get('tile-carol').getAttribute('data-speaking')).toBe('true');
    expect(m.get('tile-bob').getAttribute('data-speaking')).toBe('false');
    expect(m.get('tile-self').getAttribute('data-speaking')).toBe('false');
    media.activeSpeaker = 'alice/alice-pc'; // this device (the fixture session) speaks
    await settle();
    expect(m.get('tile-self').getAttribute('data-speaking')).toBe('true');
    expect(m.get('tile-carol').getAttribute('data-speaking')).toBe('false');
    media.remotes = [...media.remotes, stream('bob', 'video', 'screen')];
    await settle();
    expect(m.get('media-stage').getAttribute('data-layout')).toBe('stage');
    expect(m.find('remote-screen-bob')).not.toBeNull();
    expect(m.text('media-stage')).toContain('Bob Stone’s screen');
  });

  it('a camera-off or audio-only member is an avatar tile with their initials; muted is an icon with a name', async () => {
    const { m, media } = await open();
    media.members = [member('bob')];
    media.remotes = [stream('bob', 'audio', 'mic', true)];
    await settle();
    const bob = m.get('tile-bob');
    expect(bob.getAttribute('data-camera')).toBe('off');
    expect(bob.querySelector('.avatar')?.textContent?.trim()).toBe('BS');
    const muted = bob.querySelector('[data-role="muted"]');
    expect(muted?.tagName.toLowerCase()).toBe('svg');
    expect(muted?.getAttribute('aria-label')).toBe('Muted');
    expect(bob.textContent).not.toContain('🔇');
  });

  it('a camera that is on shows the member’s avatar until its first frame, then the video', async () => {
    const { m, media } = await open();
    const el = document.createElement('video');
    let readyState = 0; // HAVE_NOTHING: the consumer exists, no frame decoded yet
    Object.defineProperty(el, 'readyState', { get: () => readyState });
    el.play = () => Promise.resolve();
    videos.set('c-bob-camera', el);
    media.members = [member('bob')];
    media.remotes = [stream('bob', 'video', 'camera')];
    await settle();
    const bob = m.get('tile-bob');
    expect(bob.getAttribute('data-camera')).toBe('on');
    expect(bob.getAttribute('data-video')).toBe('waiting');
    expect(bob.querySelector('.avatar')?.textContent?.trim()).toBe('BS');
    expect(m.find('remote-video-bob')).toBe(el); // already in the tile, under the avatar, so its first frame shows at once
    readyState = 2; // HAVE_CURRENT_DATA
    el.dispatchEvent(new Event('loadeddata'));
    await settle();
    expect(bob.getAttribute('data-video')).toBe('showing');
    expect(bob.querySelector('.avatar')).toBeNull();
  });

  it('ten members fill a grid without scrolling (component-level, 10 fake members)', async () => {
    const { m, media } = await open();
    const ids = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
    media.members = ids.map((id) => member(id));
    media.remotes = ids.map((id) => stream(id, 'video', 'camera'));
    media.activeSpeaker = 'erin/erin-pc';
    await settle();
    const stage = m.get('media-stage');
    expect(stage.getAttribute('data-layout')).toBe('grid');
    expect(stage.getAttribute('data-tiles')).toBe('9');
    const grid = stage.querySelector<HTMLElement>('.tiles');
    // The tenth is this user, a tile of the grid (4 × 3 in a wide stage), not a corner picture over the ninth.
    expect(grid?.style.getPropertyValue('--cols')).toBe('4');
    expect(grid?.style.getPropertyValue('--rows')).toBe('3');
    expect(m.get('tile-erin').getAttribute('data-speaking')).toBe('true');
    expect(m.get('tile-self').parentElement).toBe(grid);
    expect(stage.querySelectorAll('[data-testid="tile-self"]')).toHaveLength(1);
    // The last row holds two of four: it starts one tile (two half-columns) in, centred.
    expect(m.get('tile-judy').style.gridColumn).toBe('3 / span 2');
    expect(m.get('tile-ivan').style.gridColumn).toBe('');
  });

  it('with one or two others, this user is the corner picture-in-picture; from three, a tile of the grid; under a shared screen, in the filmstrip', async () => {
    const { m, media } = await open();
    const ids = ['bob', 'carol', 'dave'];
    for (const [n, inGrid] of [[1, false], [2, false], [3, true]] as const) {
      media.members = ids.slice(0, n).map((id) => member(id));
      media.remotes = ids.slice(0, n).map((id) => stream(id, 'video', 'camera'));
      await settle();
      const self = m.get('tile-self');
      expect(self.parentElement?.classList.contains('tiles'), `${n} other(s)`).toBe(inGrid);
      expect(self.closest('.corner') !== null, `${n} other(s)`).toBe(!inGrid);
    }
    media.members = [member('bob')];
    media.remotes = [stream('bob', 'video', 'camera'), stream('bob', 'video', 'screen')];
    await settle();
    expect(m.get('media-stage').getAttribute('data-layout')).toBe('stage');
    expect(m.get('tile-self').parentElement?.classList.contains('tiles')).toBe(true);
  });

  it('the sharer sees "You are presenting — Stop", not their own screen', async () => {
    const { m, media } = await open();
    expect(m.find('presenting')).toBeNull();
    media.published = [{ source: 'screen', paused: false, live: true }];
    await settle();
    expect(m.text('presenting')).toContain('You are presenting');
    expect(m.text('presenting-stop')).toBe('Stop');
    expect(m.find('self-screen')).toBeNull();
    expect(m.get('media-stage').getAttribute('data-layout')).not.toBe('stage'); // the stage is for the others' screens
  });

  it('the quality overlay lists each stream, and a bad one raises the "poor connection" badge', async () => {
    const { m, media } = await open();
    media.stats = [stat({}), stat({ key: 'local-mic', direction: 'out', kind: 'audio', source: 'mic', userId: null, width: null, height: null, kbps: 32 })];
    await settle();
    expect(m.find('poor-connection')).toBeNull();
    click(m.get('quality-toggle'));
    await settle();
    expect(m.text('stats-c-bob-camera')).toContain('Bob Stone');
    expect(m.text('stats-c-bob-camera')).toContain('640×360');
    expect(m.get('stats-c-bob-camera').getAttribute('data-frames-decoded')).toBe('120');
    expect(m.text('stats-local-mic')).toContain('(you)');
    // Each figure carries its column's heading (shown beside it in a narrow window); a missing one is marked to be left out there.
    const cells = [...m.get('stats-local-mic').querySelectorAll('td[data-label]')].map((td) => [td.getAttribute('data-label'), td.textContent.trim(), td.hasAttribute('data-none')]);
    expect(cells).toEqual([
      ['RTT', expect.any(String), expect.any(Boolean)],
      ['Loss', expect.any(String), expect.any(Boolean)],
      ['kbit/s', '32', false],
      ['Resolution', '–', true],
      ['Layer', '–', true],
    ]);
    media.stats = [stat({ lossPct: 12 })];
    await settle();
    expect(m.text('poor-connection')).toBe('Poor connection');
  });

  it('says when media reconnects, and why a device is missing (the call goes on receive-only)', async () => {
    const { m, media } = await open();
    media.state = 'reconnecting';
    media.micProblem = 'permissionDenied';
    media.notice('micFallback');
    await settle();
    expect(m.text('media-state')).toBe('Reconnecting media…');
    expect(m.get('media-problem-mic').getAttribute('data-problem')).toBe('permissionDenied');
    expect(m.text('media-problem-mic')).toContain('Access to the microphone was denied');
    expect(m.text('media-problem-mic')).toContain('You can still hear and see the others.');
    expect(m.text('media-notice-micFallback')).toContain('using the system default');
    media.state = 'connected';
    await settle();
    expect(m.find('media-state')).toBeNull();
  });

  it('mute and camera buttons reflect what the user asked for', async () => {
    const { m, media } = await open();
    click(m.get('mute'));
    await settle();
    expect(media.micMuted).toBe(true);
    expect(m.get('mute').getAttribute('aria-pressed')).toBe('true');
    expect(m.text('mute')).toBe('Mute');
    m.fake.emit('shortcut', { action: 'toggleMute' });
    await settle();
    expect(media.micMuted).toBe(false);
  });
});
