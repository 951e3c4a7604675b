// MediaSession's lifecycle against the real stores and a recording stand-in for RoomClient (whose
// own logic has RoomClient.test.ts, and the real WebRTC path test/e2e/media.e2e.test.ts).
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { TypedEmitter } from '../../../shared/events.ts';
import type { CallId } from '../../../shared/protocol/common.ts';
import { useCallsStore } from '../stores/calls.ts';
import { useMediaStore } from '../stores/media.ts';
import { useSessionStore } from '../stores/session.ts';
import { makeCall, makeConnection, makeSession, makeView } from '../testing/fixtures.ts';
import type { SessionState } from './lifecycle.ts';
import { MediaSession } from './MediaSession.ts';
import type { RoomCloseReason, RoomEvents, RoomOptions, RoomState } from './RoomClient.ts';
import type { SfuPort } from './sfuPort.ts';
import { VideoSinks } from './VideoSinks.ts';

/** Records what the session asks of its room; the test plays the room's events. */
class FakeRoom extends TypedEmitter<RoomEvents> {
  static made: FakeRoom[] = [];
  readonly callID: CallId;
  pending: boolean;
  closed = false;
  readonly calls: string[] = [];
  constructor(o: RoomOptions) {
    super();
    this.callID = o.callID;
    this.pending = o.pending === true;
    FakeRoom.made.push(this);
  }
  join(): Promise<void> {
    this.calls.push(this.pending ? 'join(pending)' : 'join');
    return Promise.resolve();
  }
  activate(): Promise<void> {
    this.calls.push('activate');
    this.pending = false;
    return Promise.resolve();
  }
  rejoin(): Promise<void> {
    this.calls.push('rejoin');
    return Promise.resolve();
  }
  /** Like the real room's queue: the publish runs a moment later, and fails if its track was stopped meanwhile. */
  publish(source: string, track: MediaStreamTrack): Promise<void> {
    this.calls.push(`publish(${source})`);
    return new Promise((resolve, reject) => setTimeout(() => (track.readyState === 'ended' ? reject(new Error('track ended')) : resolve()), 0));
  }
  unpublish(): Promise<void> {
    return Promise.resolve();
  }
  reports(): Promise<never[]> {
    return Promise.resolve([]);
  }
  /** What the room receives (the test fills it), shown or not. */
  readonly videos = new Map<string, MediaStreamTrack>();
  remoteTrack(id: string): MediaStreamTrack | null {
    return this.videos.get(id) ?? null;
  }
  receivedVideo(): Map<string, MediaStreamTrack> {
    return new Map(this.videos);
  }
  close(reason: RoomCloseReason = 'left'): void {
    if (this.closed) return;
    this.calls.push(`close(${reason})`);
    this.closed = true;
    this.emit('closed', reason);
  }
  play(state: RoomState): void {
    this.emit('state', state);
  }
  /** The consumers changed (what the real room says with the shown ones). */
  remotesChanged(): void {
    this.emit('remotes', []);
  }
  serverCloses(reason: RoomCloseReason): void {
    this.close(reason);
  }
}

const port: SfuPort = { request: () => Promise.reject(new Error('not used')), onPush: () => () => undefined };
// The session only constructs RoomClient from the module; the fake has every member it uses.
const roomModule = { RoomClient: FakeRoom } as unknown as typeof import('./RoomClient.ts');

let session: MediaSession | null = null;
let reports: string[] = [];
let states: SessionState[] = [];

beforeEach(() => {
  setActivePinia(createPinia());
  FakeRoom.made = [];
  reports = [];
  states = [];
  useSessionStore().setSession(makeSession('bob'));
  useSessionStore().setConnection(makeConnection('connected'));
});
afterEach(() => {
  session?.stop();
  session = null;
});

function start(sinks?: VideoSinks): MediaSession {
  const s = new MediaSession({ port, loadRoom: () => Promise.resolve(roomModule), report: (level, m) => reports.push(`${level}: ${m}`), ...(sinks ? { sinks } : {}) });
  s.on('state', (x) => states.push(x));
  s.start();
  session = s;
  return s;
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await nextTick();
    await new Promise((r) => setTimeout(r, 0));
  }
};

const ringing = makeCall({ callID: 'c1', media: 'video', users: [{ userId: 'bob', state: 'received' }] });
const answered = makeCall({ callID: 'c1', media: 'video', version: 2, users: [{ userId: 'bob', state: 'accepted' }] });
const ended = makeCall({ callID: 'c1', media: 'video', version: 3, callState: 'ended', users: [{ userId: 'bob', state: 'accepted' }] });
const room = (): FakeRoom => {
  const r = FakeRoom.made.at(-1);
  if (!r) throw new Error('no room was made');
  return r;
};

describe('MediaSession lifecycle', () => {
  it('pre-warms a ringing call as a pending member, and answering activates that same room', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(ringing, 'bob')]);
    await flush();
    expect(s.state).toBe('prewarming');
    expect(room().calls).toEqual(['join(pending)']);
    room().play('connected');
    await flush();
    expect(useMediaStore().prewarm).toMatchObject({ callID: 'c1', ready: true });
    expect(s.state).toBe('prewarming'); // the room is ready, the call is not answered yet

    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    expect(FakeRoom.made).toHaveLength(1);
    expect(room().calls).toEqual(['join(pending)', 'activate']);
    expect(s.state).toBe('joined');
    expect(states).toEqual(['prewarming', 'joining', 'joined']);
  });

  it('a video received while ringing (not shown yet) gets its playing <video> at once; a tile borrows that element; leaving removes it', async () => {
    const s = start(new VideoSinks({ doc: document, stream: () => new MediaStream() })); // the test DOM has no camera tracks
    useCallsStore().setCalls([makeView(ringing, 'bob')]);
    await flush();
    room().videos.set('cons-alice-cam', { id: 't1', kind: 'video' } as unknown as MediaStreamTrack); // only passed through
    room().remotesChanged(); // consumed ahead, hidden (none shown) until the caller's side is a member
    const parked = document.querySelectorAll('[data-role="video-parking"] video');
    expect(parked).toHaveLength(1);
    expect(s.borrowVideo('cons-alice-cam')).toBe(parked[0]);
    expect(s.borrowVideo('nobody')).toBeNull();
    useCallsStore().setCalls([]);
    await flush();
    expect(document.querySelectorAll('video')).toHaveLength(0);
  });

  it('a declined or cancelled ring leaves the pending room and goes back to idle', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(ringing, 'bob')]);
    await flush();
    useCallsStore().setCalls([makeView(makeCall({ callID: 'c1', version: 2, callState: 'ended', users: [{ userId: 'bob', state: 'rejected' }] }), 'bob')]);
    await flush();
    expect(room().calls).toEqual(['join(pending)', 'close(left)']);
    expect(s.state).toBe('idle');
    expect(useMediaStore().callID).toBeNull();
  });

  it('a ring that stops before the media module loaded leaves the pre-warm, and the next ring pre-warms again', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const s = new MediaSession({ port, loadRoom: () => gate.then(() => roomModule), report: (level, m) => reports.push(`${level}: ${m}`) });
    s.start();
    session = s;
    useCallsStore().setCalls([makeView(ringing, 'bob')]);
    await flush();
    expect(s.state).toBe('prewarming');
    useCallsStore().setCalls([makeView(makeCall({ callID: 'c1', version: 2, callState: 'ended', users: [{ userId: 'bob', state: 'rejected' }] }), 'bob')]);
    await flush();
    expect(s.state).toBe('idle');
    release();
    await flush();
    expect(FakeRoom.made).toHaveLength(0); // the late module made no room for a call that stopped ringing
    useCallsStore().setCalls([makeView(makeCall({ callID: 'c2', media: 'video', users: [{ userId: 'bob', state: 'received' }] }), 'bob')]);
    await flush();
    expect(s.state).toBe('prewarming');
    expect(room().callID).toBe('c2');
  });

  it('signaling drops: "reconnecting" at once; it comes back: the room rejoins and the session is joined again', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    expect(room().calls).toEqual(['join']);
    room().play('connected');
    expect(s.state).toBe('joined');

    useSessionStore().setConnection(makeConnection('reconnecting'));
    await flush();
    expect(s.state).toBe('reconnecting');
    expect(useMediaStore().state).toBe('reconnecting'); // what shows "Reconnecting media…"
    useSessionStore().setConnection(makeConnection('connected'));
    await flush();
    expect(room().calls).toEqual(['join', 'rejoin']);
    room().play('reconnecting');
    room().play('connected');
    expect(s.state).toBe('joined');
    expect(useMediaStore().state).toBe('connected');
  });

  it('the call ends: leaving, then idle, the room closed once; the next call gets a fresh room', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    room().play('connected');
    useCallsStore().setCalls([makeView(ended, 'bob')]);
    await flush();
    expect(room().calls).toEqual(['join', 'close(left)']);
    expect(s.state).toBe('idle');
    expect(states.slice(-2)).toEqual(['leaving', 'idle']);
    useCallsStore().setCalls([makeView(makeCall({ callID: 'c2', users: [{ userId: 'bob', state: 'accepted' }] }), 'bob')]);
    await flush();
    expect(FakeRoom.made.map((r) => r.callID)).toEqual(['c1', 'c2']);
    expect(s.state).toBe('joining');
  });

  it('the server closes the room for good: the session says so to main’s log and goes idle', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    room().serverCloses('ended');
    expect(s.state).toBe('idle');
    expect(reports).toContain('warn: the room closed (ended): the call goes on without media here');
  });

  it('answered while the pre-warm\'s camera is still opening: that one camera is sent, and the button stays on', async () => {
    // A camera that opens when the test says so; the microphone never does (it is not what this is about).
    const opens: { kind: string; open: () => void }[] = [];
    const fakeTrack = (kind: string): MediaStreamTrack => {
      const t = { kind, readyState: 'live', stop: () => (t.readyState = 'ended'), addEventListener: () => undefined };
      return t as unknown as MediaStreamTrack; // only what the session and the fake room touch
    };
    const getUserMedia = (c: MediaStreamConstraints): Promise<MediaStream> => {
      const kind = c.video ? 'video' : 'audio';
      return new Promise((resolve) => opens.push({ kind, open: () => resolve({ getTracks: () => [fakeTrack(kind)] } as unknown as MediaStream) }));
    };
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getUserMedia, addEventListener: () => undefined, removeEventListener: () => undefined, enumerateDevices: () => Promise.resolve([]) } });
    try {
      const s = start();
      useCallsStore().setCalls([makeView(ringing, 'bob')]);
      await flush();
      expect(s.state).toBe('prewarming');
      expect(opens.filter((o) => o.kind === 'video')).toHaveLength(1);
      useCallsStore().setCalls([makeView(answered, 'bob')]); // Accept, the camera still opening
      await flush();
      for (const o of opens.filter((x) => x.kind === 'video')) o.open();
      await flush();
      expect(opens.filter((o) => o.kind === 'video')).toHaveLength(1); // one camera, not a second
      expect(useMediaStore().cameraOn).toBe(true);
      expect(reports.filter((r) => r.includes('camera'))).toEqual([]);
      const sent = s.localTrack('camera');
      expect(sent?.readyState).toBe('live');
      expect(room().calls.filter((c) => c === 'publish(camera)')).toHaveLength(1);
    } finally {
      Reflect.deleteProperty(navigator, 'mediaDevices');
    }
  });

  it('device failures go to main’s log, not only the console', async () => {
    start();
    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    // happy-dom has no media devices: the microphone cannot open, and that is reported.
    expect(reports).toContain('warn: microphone: unsupported');
    expect(useMediaStore().micProblem).toBe('unsupported');
  });

  it('stop() closes the session for good and leaves the room', async () => {
    const s = start();
    useCallsStore().setCalls([makeView(answered, 'bob')]);
    await flush();
    s.stop();
    expect(room().calls).toContain('close(left)');
    expect(s.state).toBe('closed');
    s.start();
    useCallsStore().setCalls([makeView(makeCall({ callID: 'c2', users: [{ userId: 'bob', state: 'accepted' }] }), 'bob')]);
    await flush();
    expect(FakeRoom.made).toHaveLength(1);
  });
});
