import { MediaControls } from './MediaControls.ts';
import type { MediaSession } from './MediaSession.ts';

/**
 * The in-call buttons, for views. The window's one MediaControls acts on the session session.ts
 * registers here (the only writer); without one, a button only records the user's wish in the store.
 */
let running: MediaSession | null = null;
const controls = new MediaControls(() => running);

/** session.ts: the session the buttons act on, and whose device events they follow; returns the unregister function. */
export function registerSession(session: MediaSession): () => void {
  running = session;
  const detach = controls.attach(session);
  return () => {
    detach();
    if (running === session) running = null;
  };
}

export const toggleMute = (): Promise<void> => controls.toggleMute();
export const toggleCamera = (): Promise<void> => controls.toggleCamera();
export const switchCamera = (): Promise<void> => controls.switchCamera();
export const toggleScreen = (): Promise<void> => controls.toggleScreen();
export const chooseDevice = (kind: 'microphoneId' | 'cameraId' | 'speakerId', deviceId: string | null): Promise<void> => controls.chooseDevice(kind, deviceId);
