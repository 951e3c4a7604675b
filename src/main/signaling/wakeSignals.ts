/**
 * What the platform tells the connection about the machine: it woke, the screen unlocked, or the
 * network changed. Electron's powerMonitor feeds it in the app; the headless CLI has none.
 */
export type WakeSignal = 'resumed' | 'network-changed';

export interface WakePort {
  on(fn: (signal: WakeSignal) => void): () => void;
}

/** Each signal makes the client retry at once (or prove its socket with a heartbeat). Returns the unsubscribe. */
export function bindWakeSignals(port: WakePort, client: { nudge(): void }): () => void {
  return port.on(() => client.nudge());
}
