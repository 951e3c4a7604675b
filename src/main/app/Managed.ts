import { TypedEmitter } from '../../shared/events.ts';
import { translate } from '../../shared/i18n/index.ts';
import type { PolicyInfo, UpdateState } from '../../shared/ipc/managed.ts';
import type { CallView, MediaKind, Settings, SettingsPatch } from '../../shared/ipc/model.ts';
import { Logger } from '../log/Logger.ts';
import type { Platform } from '../platform/ports.ts';
import { applyPolicy, checkMedia, checkPatch, checkServerUrl, policyInfo } from '../policy/applyPolicy.ts';
import { EMPTY_POLICY, resolvePolicy, type ResolvedPolicy } from '../policy/Policy.ts';
import { UpdateController } from '../update/UpdateController.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('Managed');

export type ManagedEvents = { update: [state: UpdateState] };

/**
 * What IT manages, for DesktopCore: the policy read at start (laid over the user's settings) and
 * the updater, told whenever calls start and stop so that it never restarts during one.
 */
export class Managed extends TypedEmitter<ManagedEvents> {
  readonly #p: Pick<Platform, 'policy' | 'updater'>;
  #resolved: ResolvedPolicy = { policy: EMPTY_POLICY, sources: [], warnings: [] };
  #updates: UpdateController | null = null;
  #offs: (() => void)[] = [];

  constructor(p: Pick<Platform, 'policy' | 'updater'>) {
    super();
    this.#p = p;
  }

  /** Reads the policy; a source that fails is a warning, never a failed start. */
  async load(): Promise<void> {
    try {
      this.#resolved = resolvePolicy(await this.#p.policy.read());
    } catch (e) {
      this.#resolved = { policy: EMPTY_POLICY, sources: [], warnings: [{ source: 'policy', key: null, code: 'unreadable', params: { error: errorMessage(e) } }] };
    }
    for (const w of this.#resolved.warnings) log.warn('policy %s%s %s', w.source, w.key === null ? '' : ` ${w.key}`, translate('en', `policyWarnings.${w.code}`, w.params));
    if (this.#resolved.sources.length) log.info('policy from %s', this.#resolved.sources.join(', '));
  }

  /** Starts background updates (or records why they are off). */
  startUpdates(beforeInstall: () => void): void {
    const u = new UpdateController({ port: this.#p.updater, policy: this.#resolved.policy, beforeInstall });
    this.#updates = u;
    this.#offs.push(u.on('changed', (s) => this.emit('update', s)));
    u.start();
  }

  get policy(): ResolvedPolicy['policy'] {
    return this.#resolved.policy;
  }
  info(): PolicyInfo {
    return policyInfo(this.#resolved);
  }
  updateState(): UpdateState {
    return this.#updates?.state ?? { status: 'disabled', version: null, percent: null, reason: null, detail: null, waitingForCall: false };
  }

  /** managed policy > user settings > defaults. */
  effective(s: Settings): Settings {
    return applyPolicy(s, this.#resolved.policy);
  }
  checkPatch(patch: SettingsPatch): void {
    checkPatch(patch, this.#resolved.policy);
  }
  checkServerUrl(url: string): void {
    checkServerUrl(url, this.#resolved.policy);
  }
  checkMedia(media: MediaKind): void {
    checkMedia(media, this.#resolved.policy);
  }

  /** Any call not yet ended (ringing, being placed, in progress) holds back a restart. */
  callsChanged(views: readonly CallView[]): void {
    this.#updates?.setCallActive(views.some((v) => v.call.callState !== 'ended'));
  }

  /** "Restart to update": now, or when the last call ends. Throws `forbidden` when nothing is ready. */
  restartToUpdate(): UpdateState {
    if (!this.#updates) return this.updateState();
    return this.#updates.restartToUpdate();
  }

  get updateReady(): boolean {
    return this.#updates?.state.status === 'ready';
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#updates?.close();
  }
}
