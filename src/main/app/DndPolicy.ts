import { TypedEmitter } from '../../shared/events.ts';
import type { DndState } from '../../shared/ipc/model.ts';
import type { DndStatus } from '../../shared/protocol/index.ts';
import type { OsFocus } from '../platform/ports.ts';

export type DndEvents = {
  changed: [state: DndState];
};

/**
 * One do-not-disturb policy. The user's own DND wins; otherwise the OS focus mode counts when
 * the user lets it. Whatever is in force is what the server auto-rejects with (allow-listed
 * contacts still ring). `osForced` remembers that the server's DND was switched on only because
 * of the OS, so a later sign-in does not mistake it for the user's choice.
 */
export class DndPolicy extends TypedEmitter<DndEvents> {
  #app: DndStatus = { enabled: false, allowList: [] };
  #os: OsFocus = { active: false, source: null };
  #followOs: boolean;
  /** What the server was last told (or said). */
  #server: DndStatus | null = null;
  #osForced: boolean;

  constructor(followOs: boolean, osForced: boolean) {
    super();
    this.#followOs = followOs;
    this.#osForced = osForced;
  }

  get state(): DndState {
    const effective = this.#app.enabled ? 'app' : this.#followOs && this.#os.active ? 'os' : 'off';
    return { app: this.#app, os: this.#os, followOs: this.#followOs, effective };
  }
  get osForced(): boolean {
    return this.#osForced;
  }

  /** At sign-in: the server's status is the user's choice unless we forced it for the OS. */
  fromServer(status: DndStatus): void {
    this.#server = status;
    this.#app = status.enabled && this.#osForced ? { ...status, enabled: false } : status;
    this.#changed();
  }
  setApp(status: DndStatus): void {
    this.#app = status;
    this.#changed();
  }
  setOs(focus: OsFocus): void {
    if (focus.active === this.#os.active && focus.source === this.#os.source) return;
    this.#os = focus;
    this.#changed();
  }
  setFollowOs(follow: boolean): void {
    if (follow === this.#followOs) return;
    this.#followOs = follow;
    this.#changed();
  }

  /** What the server should hold now, or null when it already does. */
  pendingServerUpdate(): DndStatus | null {
    const want: DndStatus = { enabled: this.state.effective !== 'off', allowList: this.#app.allowList };
    const s = this.#server;
    if (s && s.enabled === want.enabled && s.allowList.length === want.allowList.length && s.allowList.every((u, i) => u === want.allowList[i])) return null;
    return want;
  }
  /** The server took `status`. */
  applied(status: DndStatus): void {
    this.#server = status;
    this.#recomputeOsForced();
  }

  /**
   * Whenever the server holds what we want, it holds it either for the user or for the OS. This runs
   * on every change too: the user may take over (or give up) a DND the OS had already switched on,
   * and then nothing is sent to the server but the reason changed.
   */
  #recomputeOsForced(): void {
    const s = this.#server;
    const effective = this.state.effective;
    if (s && s.enabled === (effective !== 'off')) this.#osForced = s.enabled && effective === 'os';
  }

  #changed(): void {
    this.#recomputeOsForced();
    this.emit('changed', this.state);
  }
}
