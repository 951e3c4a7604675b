import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyInfo } from '../../../shared/ipc/managed.ts';
import { useMediaStore } from '../stores/media.ts';
import { makeCall, makeContact, makeSnapshot, makeView } from '../testing/fixtures.ts';
import { FakeBridge } from '../testing/fakeBridge.ts';
import { click, mountApp, settle, type Mounted } from '../testing/mountApp.ts';

// IT policy's feature switches (PolicyInfo.features) as every screen with a video or sharing button shows them.

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const OFF = 'Video is turned off by your organization.';
const policy = (features: PolicyInfo['features']): PolicyInfo => ({ locked: [], features, sources: ['/etc/ringdesk/policy.json'], warnings: [] });
const contacts = [makeContact('bob', 'online', false, 'Bob Stone')];
const ringing = makeView(makeCall({ callID: 'in1', inviter: 'bob', media: 'video', users: [{ userId: 'alice', state: 'received' }] }), 'alice');
const live = makeView(makeCall({ callID: 'live1', media: 'video', users: [{ userId: 'bob', state: 'accepted' }] }), 'alice');

function open(path: string, features: PolicyInfo['features'], calls = [live]): Promise<Mounted> {
  return mountApp({ fake: new FakeBridge({ snapshot: makeSnapshot({ calls, policy: policy(features) }), contacts }), path });
}

describe('policy: video turned off', () => {
  it('home: video call buttons are disabled and say why; audio calls stay', async () => {
    m = await open('/', { video: false, screenShare: true }, []);
    const video = m.get('call-video-bob') as HTMLButtonElement; // a <button> in HomeView
    expect(video.disabled).toBe(true);
    expect(video.getAttribute('title')).toBe(OFF);
    expect(video.getAttribute('data-policy')).toBe('off');
    expect((m.get('call-audio-bob') as HTMLButtonElement).disabled).toBe(false); // as above
  });

  it('incoming: "Accept video" is disabled with the reason, no camera preview; "Accept audio" works', async () => {
    m = await open('/call/in1', { video: false, screenShare: true }, [ringing]);
    const accept = m.get('accept-video') as HTMLButtonElement; // a <button> in IncomingPanel
    expect(accept.disabled).toBe(true);
    expect(accept.getAttribute('title')).toBe(OFF);
    expect(m.find('preview-camera')).toBeNull();
    expect((m.get('accept-audio') as HTMLButtonElement).disabled).toBe(false); // as above
  });

  it('in call: the camera button is disabled and labelled; clicking it does not turn the camera on', async () => {
    m = await open('/call/live1', { video: false, screenShare: true });
    const camera = m.get('camera') as HTMLButtonElement; // a <button> in MediaControls
    expect(camera.disabled).toBe(true);
    expect(camera.getAttribute('title')).toBe(OFF);
    expect(m.text('camera-policy')).toBe(OFF);
    click(camera);
    await settle();
    expect(useMediaStore(m.pinia).cameraOn).toBe(false);
    expect(m.find('screen-share')).not.toBeNull(); // sharing is its own switch
  });
});

describe('policy: screen sharing turned off', () => {
  it('in call: no screen-share button; the camera is unaffected', async () => {
    m = await open('/call/live1', { video: true, screenShare: false });
    expect(m.find('screen-share')).toBeNull();
    const camera = m.get('camera') as HTMLButtonElement; // a <button> in MediaControls
    expect(camera.disabled).toBe(false);
    expect(camera.getAttribute('title')).toBe('Turn camera on (Ctrl+Shift+O)');
    expect(m.find('camera-policy')).toBeNull();
  });
});

describe('policy: everything allowed', () => {
  it('every video and sharing button is there and enabled', async () => {
    m = await open('/', { video: true, screenShare: true }, []);
    expect((m.get('call-video-bob') as HTMLButtonElement).disabled).toBe(false); // a <button> in HomeView
    m.unmount();
    m = await open('/call/in1', { video: true, screenShare: true }, [ringing]);
    expect((m.get('accept-video') as HTMLButtonElement).disabled).toBe(false); // a <button> in IncomingPanel
    expect(m.find('preview-camera')).not.toBeNull();
    m.unmount();
    m = await open('/call/live1', { video: true, screenShare: true });
    expect((m.get('camera') as HTMLButtonElement).disabled).toBe(false); // a <button> in MediaControls
    expect(m.find('screen-share')).not.toBeNull();
  });
});
