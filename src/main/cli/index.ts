#!/usr/bin/env node
// Headless Ringdesk client: the real main-process core with no UI, speaking JSON lines (see README "CLI client").
import { createInterface } from 'node:readline';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { RingdeskError } from '../../shared/errors.ts';
import { describeIssues, DeviceIdSchema, DIRECTORY_LIMITS, UserIdSchema, type Push, type UserId } from '../../shared/protocol/index.ts';
import { CallingClient } from '../call/CallingClient.ts';
import { transportVerdict } from '../policy/serverSecurity.ts';
import { SignalingClient } from '../signaling/SignalingClient.ts';
import { type CliOutput } from './commands.ts';
import { parseCliLine } from './parseLine.ts';
import { runCommand } from './runCommand.ts';

const USAGE = `usage: node src/main/cli/index.ts --user <id> [--password <pw> | env RINGDESK_PASSWORD]
       [--server ws://127.0.0.1:8787/ws] [--device <id>] [--device-name <name>] [--auto accept|reject] [--wait <s>]
Reads one JSON command per line on stdin, e.g. {"cmd":"callInvite","invitees":["bob"],"timeout":30}
Writes one JSON object per line on stdout: state, session, event, result and error lines.
Exits when stdin ends and every command is answered (after --wait seconds of further events, if given);
with --auto it answers every incoming call and runs until stopped.`;

const out = (o: CliOutput): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
const fail = (message: string): never => {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env['RINGDESK_SERVER'] ?? 'ws://127.0.0.1:8787/ws' },
    user: { type: 'string' },
    password: { type: 'string' },
    device: { type: 'string' },
    'device-name': { type: 'string' },
    auto: { type: 'string' },
    wait: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const user = UserIdSchema.safeParse(values.user);
if (!user.success) fail(`--user: ${describeIssues(user.error)}`);
const userId = user.data ?? fail('--user is required');
const password = values.password ?? process.env['RINGDESK_PASSWORD'];
if (!password) fail('--password or RINGDESK_PASSWORD is required');
const device = DeviceIdSchema.safeParse(values.device ?? `cli-${userId}`);
if (!device.success) fail(`--device: ${describeIssues(device.error)}`);
if (values.auto !== undefined && values.auto !== 'accept' && values.auto !== 'reject') fail('--auto takes accept or reject');
const waitMs = values.wait === undefined ? 0 : Number(values.wait) * 1000;
if (!Number.isFinite(waitMs) || waitMs < 0) fail('--wait takes a number of seconds');

// The CLI is a tool for admins and tests, so it still connects; the desktop app refuses (insecure_server).
if (transportVerdict(values.server, false) === 'insecure') {
  process.stderr.write(`warning: ${values.server} is not encrypted (ws://); the password is sent in clear. Use the server's wss:// address.\n`);
}
const sig = new SignalingClient({
  url: values.server,
  deviceId: device.data ?? fail('bad device'),
  deviceName: values['device-name'] ?? `CLI on ${hostname()}`,
  credentials: { userId, ...(password ? { password } : {}) },
});
const calls = new CallingClient(sig);

sig.on('state', (state, detail) => {
  out({ type: 'state', state, detail });
  if (state === 'signedOut') process.exit(detail.reason?.includes('logged out') ? 0 : 3);
});
sig.on('session', (s, resumed) => {
  out({ type: 'session', userId: s.userId, deviceId: s.deviceId, resumed });
  void resubscribe(); // nothing on the first session
});
/** The users the CLI subscribed to: the server forgets them with the connection, so every new session subscribes again. */
const subscriptions = new Set<UserId>();
async function resubscribe(): Promise<void> {
  const ids = [...subscriptions];
  for (let i = 0; i < ids.length; i += DIRECTORY_LIMITS.maxSubscribePerRequest) {
    try {
      const r = await sig.request('presenceSubscribe', { userIds: ids.slice(i, i + DIRECTORY_LIMITS.maxSubscribePerRequest) });
      out({ type: 'event', event: 'presenceResubscribed', data: r });
    } catch (e) {
      out({ type: 'error', cmd: 'presenceSubscribe', id: null, error: toWire(e) });
    }
  }
}
sig.on('protocolError', (e) => out({ type: 'error', cmd: null, id: null, error: e.toWire() }));
calls.on('error', (e) => out({ type: 'error', cmd: null, id: null, error: e.toWire() }));
const EVENTS = [
  'callInvitationReceived',
  'callInvitationCreated',
  'callInvitationCancelled',
  'callInvitationTimeout',
  'callInvitationEnded',
  'callUserStateChanged',
  'callDeliveryChanged',
  'handledOnOtherDevice',
  'callRecord',
  'presenceChanged',
] as const;
sig.on('push', (p) => {
  if (p.type === 'favoritesChanged') out({ type: 'event', event: p.type, data: p.data });
});
for (const ev of EVENTS) calls.on(ev, (data: Push['data']) => out({ type: 'event', event: ev, data }));
if (values.auto) {
  calls.on('callInvitationReceived', ({ call }) => {
    const act = values.auto === 'accept' ? calls.callAccept(call.callID) : calls.callReject(call.callID);
    act.catch((e: unknown) => out({ type: 'error', cmd: `auto ${values.auto}`, id: null, error: toWire(e) }));
  });
}

function toWire(e: unknown): { code: string; message: string } {
  return e instanceof RingdeskError ? e.toWire() : { code: 'internal', message: String(e) };
}

let inFlight = 0;
let inputDone = false;
const maybeExit = (): void => {
  if (inputDone && inFlight === 0) {
    setTimeout(() => {
      sig.close();
      process.exit(0);
    }, waitMs);
  }
};

const ready = new Promise<void>((resolve) => sig.once('session', () => resolve()));
sig.connect();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const parsed = parseCliLine(line);
  if (!parsed.ok) return out(parsed.error);
  const c = parsed.command;
  inFlight++;
  ready
    .then(() => runCommand(c, calls, sig, subscriptions))
    .then(
      (result) => out({ type: 'result', cmd: c.cmd, ...(c.id !== undefined ? { id: c.id } : {}), result }),
      (e: unknown) => out({ type: 'error', cmd: c.cmd, id: c.id ?? null, error: toWire(e) }),
    )
    .finally(() => {
      inFlight--;
      maybeExit();
    });
});
rl.on('close', () => {
  inputDone = true;
  // Stay up while events matter: with --auto the CLI is a bot and runs until killed.
  if (!values.auto) maybeExit();
});
