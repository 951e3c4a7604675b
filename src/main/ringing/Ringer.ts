import type { CallView, MediaKind } from '../../shared/ipc/model.ts';
import type { CallId, UserId } from '../../shared/protocol/index.ts';
import type { AttentionPort, Closable, NotifierPort, RingingWindowPort } from '../platform/ports.ts';
import type { NotificationNonces } from './NotificationNonces.ts';

export type RingAction = { kind: 'accept'; media: MediaKind } | { kind: 'decline' } | { kind: 'open' };

export interface RingerDeps {
  notifier: NotifierPort;
  ringingWindow: RingingWindowPort;
  attention: AttentionPort;
  /** The notification's links carry a nonce issued here and expired when the call stops ringing. */
  nonces: Pick<NotificationNonces, 'issue' | 'expire'>;
  nameOf(userId: UserId): string;
  /** A button on the notification was pressed. */
  onAction(callID: CallId, action: RingAction): void;
  /** Ringing started or stopped (the tray animates while it is on). */
  onRingingChanged(ringing: boolean): void;
}

/**
 * Rings this device for every call whose view says `ringing`, and stops the moment it doesn't:
 * answered here or on another device, cancelled, timed out or ended all clear that flag in the
 * view, so there is exactly one rule for stopping. Notification per call; one ringing window
 * and one attention request for all of them (showing the newest).
 */
export class Ringer {
  readonly #d: RingerDeps;
  readonly #alerts = new Map<CallId, Closable>();
  #windowFor: CallId | null = null;

  constructor(deps: RingerDeps) {
    this.#d = deps;
  }

  get ringing(): boolean {
    return this.#alerts.size > 0;
  }
  /** The newest ringing call, for shortcuts and the ringing window. */
  get current(): CallId | null {
    return this.#windowFor;
  }

  update(views: readonly CallView[]): void {
    const ringing = views.filter((v) => v.ringing).sort((a, b) => a.call.createdAt - b.call.createdAt);
    const was = this.ringing;
    const live = new Set(ringing.map((v) => v.call.callID));
    for (const [id, alert] of this.#alerts) {
      if (live.has(id)) continue;
      alert.close();
      this.#d.nonces.expire(id);
      this.#alerts.delete(id);
    }
    for (const v of ringing) {
      const id = v.call.callID;
      if (this.#alerts.has(id)) continue;
      const others = v.call.users.filter((u) => u.userId !== v.call.inviter).length - 1;
      this.#alerts.set(
        id,
        this.#d.notifier.showIncomingCall(
          { callID: id, callerId: v.call.inviter, callerName: this.#d.nameOf(v.call.inviter), media: v.media, others: Math.max(0, others), linkNonce: this.#d.nonces.issue(id) },
          {
            accept: (media) => this.#d.onAction(id, { kind: 'accept', media }),
            decline: () => this.#d.onAction(id, { kind: 'decline' }),
            open: () => this.#d.onAction(id, { kind: 'open' }),
          },
        ),
      );
    }
    const newest = ringing.at(-1)?.call.callID ?? null;
    if (newest !== this.#windowFor) {
      if (newest === null) this.#d.ringingWindow.close();
      else this.#d.ringingWindow.open(newest);
      this.#windowFor = newest;
    }
    if (this.ringing !== was) {
      if (this.ringing) this.#d.attention.request();
      else this.#d.attention.cancel();
      this.#d.onRingingChanged(this.ringing);
    }
  }

  stopAll(): void {
    this.update([]);
  }
}
