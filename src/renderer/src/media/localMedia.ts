/** Opening microphone, camera and screen, and telling the user why one could not be opened. */

export type MediaProblem = 'permissionDenied' | 'noDevice' | 'deviceBusy' | 'unsupported' | 'failed';

/** A device could not be opened; `problem` is what the UI explains. */
export class MediaAccessError extends Error {
  readonly problem: MediaProblem;
  constructor(problem: MediaProblem, message: string) {
    super(message);
    this.name = 'MediaAccessError';
    this.problem = problem;
  }
}

export function classify(e: unknown): MediaProblem {
  if (e instanceof MediaAccessError) return e.problem;
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permissionDenied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'noDevice';
    case 'NotReadableError':
    case 'AbortError':
      return 'deviceBusy';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

function devices(): MediaDevices {
  const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!md?.getUserMedia) throw new MediaAccessError('unsupported', 'this window has no media devices');
  return md;
}

export interface Opened {
  track: MediaStreamTrack;
  /** The chosen device was gone, so the default one was opened instead. */
  fellBack: boolean;
}

/**
 * Opens one track of `kind` from `deviceId` (null: the default). A chosen device that has gone
 * (unplugged headset) falls back to the default rather than leaving the call without sound.
 */
export async function openTrack(kind: 'audio' | 'video', deviceId: string | null): Promise<Opened> {
  const md = devices();
  const base: MediaTrackConstraints = kind === 'video' ? { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } } : { echoCancellation: true, noiseSuppression: true };
  const get = async (id: string | null): Promise<MediaStreamTrack> => {
    const c: MediaTrackConstraints = id ? { ...base, deviceId: { exact: id } } : base;
    const stream = await md.getUserMedia(kind === 'video' ? { video: c } : { audio: c });
    const track = stream.getTracks()[0];
    if (!track) throw new MediaAccessError('noDevice', `no ${kind} track`);
    return track;
  };
  try {
    return { track: await get(deviceId), fellBack: false };
  } catch (e) {
    if (!deviceId || classify(e) !== 'noDevice') throw e;
    return { track: await get(null), fellBack: true };
  }
}

/** Screen sharing: Chromium's picker (Electron answers it in main with its own source picker). */
export async function openScreen(): Promise<MediaStreamTrack> {
  const md = devices();
  if (!md.getDisplayMedia) throw new MediaAccessError('unsupported', 'screen sharing is not available here');
  const stream = await md.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new MediaAccessError('noDevice', 'no screen track');
  return track;
}

export interface DeviceInfo {
  kind: 'audioinput' | 'videoinput' | 'audiooutput';
  deviceId: string;
  label: string;
}

export async function listDevices(): Promise<DeviceInfo[]> {
  const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!md?.enumerateDevices) return [];
  const all = await md.enumerateDevices();
  return all.map((d, i) => ({ kind: d.kind, deviceId: d.deviceId, label: d.label || `${d.kind} ${i + 1}` }));
}

/** Follows plugging and unplugging; returns the unsubscribe function. */
export function onDeviceChange(fn: () => void): () => void {
  const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!md?.addEventListener) return () => undefined;
  md.addEventListener('devicechange', fn);
  return () => md.removeEventListener('devicechange', fn);
}

/** The device a live track reads from, or null (screen tracks, fakes). */
export function deviceOf(track: MediaStreamTrack | null): string | null {
  const id = track?.getSettings?.().deviceId;
  return typeof id === 'string' && id ? id : null;
}
