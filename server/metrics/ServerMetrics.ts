import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallService } from '../domain/CallService.ts';
import type { SfuService } from '../sfu/SfuService.ts';
import { InvitationTracker } from './InvitationTracker.ts';
import type { RequestLane } from '../transport/RequestLane.ts';
import type { RefusalReason, TransportStats } from './TransportStats.ts';
import { counterFrom } from './counterFrom.ts';
import { registerSfuMetrics } from './sfuMetrics.ts';

/** Sub-millisecond to seconds: an in-memory push is ~0.1 ms, a commit on a busy disk can take a second. */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ServerMetricsSources {
  /** Connections open right now, by whether they have signed in. Read at scrape time. */
  connections(): { preAuth: number; authenticated: number };
  calls: CallService;
  sfu: SfuService;
  /** The transport's own counters (the transport owns them; they exist with metrics off too). */
  stats: TransportStats;
  /** True from the start of a drain (SIGTERM) until the process exits. */
  draining(): boolean;
  /** Where sign-ins and list reads queue behind calling (RequestLane.ts). */
  lane: Pick<RequestLane, 'length' | 'waitMs'>;
}

/** Prometheus label values of the refusal reasons. */
const REFUSAL_LABELS: Record<RefusalReason, string> = { draining: 'draining', eventLoopLag: 'event_loop_lag', queueWait: 'queue_wait', pendingSignIns: 'pending_sign_ins' };

/**
 * Every Prometheus metric of one server, in its own registry (so several servers in one process,
 * as in tests, never share counters). Counts that change per frame live in TransportStats as plain
 * numbers and are copied in at scrape time; the rest are read from their owners by collect().
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #loop = monitorEventLoopDelay({ resolution: 10 });
  readonly #storeCommit: Histogram;
  readonly #tlsExpiry: Gauge;
  readonly #tlsReloads: Counter<'result'>;

  constructor(src: ServerMetricsSources) {
    const registers = [this.registry];
    const stats = src.stats;
    collectDefaultMetrics({ register: this.registry });
    this.#loop.enable();
    const loop = this.#loop;

    new Gauge({
      name: 'ringdesk_connections',
      help: 'Open WebSocket connections by state (pre_auth: not signed in yet).',
      labelNames: ['state'],
      registers,
      collect() {
        const c = src.connections();
        this.set({ state: 'pre_auth' }, c.preAuth);
        this.set({ state: 'authenticated' }, c.authenticated);
      },
    });
    const copy = (name: string, help: string, read: () => number): void => counterFrom(registers, name, help, read);
    copy('ringdesk_frames_in_total', 'WebSocket frames received from clients.', () => stats.framesIn);
    copy('ringdesk_frames_out_total', 'WebSocket frames sent to clients (responses and pushes).', () => stats.framesOut);
    copy('ringdesk_frames_rate_limited_total', 'Frames refused by the per-connection rate limit.', () => stats.rateLimited);
    copy('ringdesk_signins_total', 'Successful sign-ins (login or resume).', () => stats.signIns);
    new Counter({
      name: 'ringdesk_signin_failures_total',
      help: 'Failed sign-ins (login or resume) by the error code sent to the client.',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of stats.signInFailures) this.inc({ reason }, n);
      },
    });

    new Counter({
      name: 'ringdesk_connections_refused_total',
      help: 'New connections turned away at the upgrade: draining (close 4307) or overloaded (4503), by admission control\'s reason.',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of stats.refusals) this.inc({ reason: REFUSAL_LABELS[reason] }, n);
      },
    });
    new Gauge({
      name: 'ringdesk_request_lane_length',
      help: 'Sign-ins and list reads queued behind calling, not started yet (a reconnect storm).',
      registers,
      collect() {
        this.set(src.lane.length);
      },
    });
    new Gauge({
      name: 'ringdesk_request_lane_wait_seconds',
      help: 'How long the oldest queued sign-in or list read has waited (admission.maxQueueWaitMs turns newcomers away past it).',
      registers,
      collect() {
        this.set(src.lane.waitMs / 1000);
      },
    });

    const invited = new Counter({ name: 'ringdesk_invitations_total', help: 'Invitations sent (an invitee entered a pending state).', registers });
    const outcomes = new Counter({
      name: 'ringdesk_invitation_outcomes_total',
      help: 'Invitations by how they ended: accepted, rejected (reason: declined, busy, dnd), cancelled, timeout, quit.',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    const tracker = new InvitationTracker(
      () => invited.inc(),
      (outcome, reason) => outcomes.inc({ outcome, reason }),
    );
    src.calls.on('changed', (call) => tracker.changed(call));
    const delivered = new Histogram({
      name: 'ringdesk_invite_delivery_seconds',
      help: 'From the server taking an invitation to its push being written to the invitee socket (online invitees).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    src.calls.on('inviteDelivered', (seconds) => delivered.observe(seconds));
    this.#storeCommit = new Histogram({
      name: 'ringdesk_store_commit_seconds',
      help: 'Time to store one call transition (Store.saveCall).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'ringdesk_draining',
      help: '1 while this node drains (SIGTERM; not ready, refusing new connections, keeping the media of its calls), else 0.',
      registers,
      collect() {
        this.set(src.draining() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ringdesk_active_calls',
      help: 'Calls started and not yet ended.',
      registers,
      collect() {
        this.set(src.calls.activeCallCount);
      },
    });
    new Gauge({
      name: 'ringdesk_event_loop_delay_p99_seconds',
      help: 'p99 event-loop delay since the previous scrape (perf_hooks.monitorEventLoopDelay, 10 ms resolution).',
      registers,
      collect() {
        // No sample yet (a scrape right after start or reset): report 0 rather than the histogram's sentinels.
        this.set(loop.count > 0 ? loop.percentile(99) / 1e9 : 0);
        loop.reset();
      },
    });
    this.#tlsExpiry = new Gauge({ name: 'ringdesk_tls_certificate_expiry_timestamp_seconds', help: 'notAfter of the certificate being served (Unix time).', registers });
    this.#tlsReloads = new Counter({ name: 'ringdesk_tls_reloads_total', help: 'Certificate reloads (SIGHUP) by result.', labelNames: ['result'], registers });
    registerSfuMetrics(registers, src.sfu);
  }

  observeStoreCommit(seconds: number): void {
    this.#storeCommit.observe(seconds);
  }
  tlsLoaded(notAfterMs: number): void {
    this.#tlsExpiry.set(Math.floor(notAfterMs / 1000));
  }
  tlsReloaded(ok: boolean): void {
    this.#tlsReloads.inc({ result: ok ? 'ok' : 'failed' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }
  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.#loop.disable();
    this.registry.clear();
  }
}
