import { RingdeskError } from '../../shared/errors.ts';
import type { ConnectionInfo } from '../../shared/ipc/model.ts';
import type { DeviceId, UserId } from '../../shared/protocol/index.ts';
import { CallingClient } from '../call/CallingClient.ts';
import { DirectoryClient } from '../directory/DirectoryClient.ts';
import type { BackoffOptions } from '../signaling/backoff.ts';
import { SignalingClient, type Credentials, type Session, type WebSocketFactory } from '../signaling/SignalingClient.ts';

export interface ConnectionOptions {
  serverUrl: string;
  deviceId: DeviceId;
  deviceName: string;
  credentials: Credentials;
  webSocket?: WebSocketFactory | undefined;
  backoff?: BackoffOptions | undefined;
  requestTimeoutMs?: number | undefined;
}

/** One signed-in server: the signaling connection and the calling layer on top of it. */
export class Connection {
  readonly serverUrl: string;
  readonly sig: SignalingClient;
  readonly calls: CallingClient;
  readonly directory: DirectoryClient;

  constructor(o: ConnectionOptions) {
    this.serverUrl = o.serverUrl;
    this.sig = new SignalingClient({
      url: o.serverUrl,
      deviceId: o.deviceId,
      deviceName: o.deviceName,
      credentials: o.credentials,
      ...(o.webSocket ? { webSocket: o.webSocket } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    });
    this.calls = new CallingClient(this.sig);
    this.directory = new DirectoryClient(this.sig);
  }

  get me(): UserId | null {
    return this.sig.session?.userId ?? null;
  }

  /**
   * Connects and waits for the first outcome: signed in, refused (with the server's code), or the
   * server could not be reached at all. A fresh sign-in should fail fast and say why rather than
   * retry forever; a resumed session keeps retrying in the background instead.
   */
  open(timeoutMs: number): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      const timer = setTimeout(() => done(new RingdeskError('request_timeout', `the server at ${this.serverUrl} did not answer in ${timeoutMs / 1000} s`)), timeoutMs);
      const offs: (() => void)[] = [];
      const done = (r: Session | RingdeskError): void => {
        clearTimeout(timer);
        for (const off of offs) off();
        if (r instanceof RingdeskError) reject(r);
        else resolve(r);
      };
      offs.push(this.sig.on('session', (s) => done(s)));
      offs.push(
        this.sig.on('state', (state, detail) => {
          if (state === 'signedOut') done(new RingdeskError(detail.code ?? 'auth_failed', detail.reason ?? 'sign-in refused', detail.retryAfterMs));
          else if (state === 'reconnecting') done(new RingdeskError('disconnected', `cannot reach the server at ${this.serverUrl} (${detail.reason ?? 'connection failed'})`));
        }),
      );
      this.sig.connect();
    });
  }

  close(): void {
    this.sig.close();
  }
}

export function connectionInfo(state: ConnectionInfo['state'], detail: { retryInMs?: number; reason?: string }, now: number): ConnectionInfo {
  return { state, retryInMs: detail.retryInMs ?? null, at: now, reason: detail.reason ?? null };
}
