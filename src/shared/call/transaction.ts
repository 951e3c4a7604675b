import type { CallUserState, UserId } from '../protocol/common.ts';
import type { Push } from '../protocol/pushes.ts';
import type { Effect, TransitionResult } from './effects.ts';
import { cloneCall, userInfo, type Call, type Context, type Member } from './model.ts';
import { EVENT_AUDIENCE, type TableEvent } from './tables.ts';

/** One transition in progress: owns the draft of the call (next version), the effects it collects, and who hears each push. */
export class Tx {
  readonly effects: Effect[] = [];
  readonly call: Call;
  readonly ctx: Context;
  constructor(call: Call, ctx: Context) {
    this.call = cloneCall(call);
    this.call.version = call.version + 1;
    this.ctx = ctx;
  }
  states(): Map<UserId, CallUserState> {
    return new Map(this.call.members.map((m) => [m.userId, m.state]));
  }
  push(m: Member, push: Push): void {
    this.effects.push({ type: 'push', userId: m.userId, device: m.mainDevice, push });
  }
  /** Push to every member whose state before the change is in the table's column for `event`. */
  pushByTable(event: TableEvent, before: Map<UserId, CallUserState>, push: Push, skip?: Member): void {
    for (const m of this.call.members) {
      const s = before.get(m.userId);
      if (m !== skip && s !== undefined && EVENT_AUDIENCE[event].has(s)) this.push(m, push);
    }
  }
  stateChanged(before: Map<UserId, CallUserState>, changed: Member[]): void {
    if (changed.length === 0) return;
    const users = changed.map((m) => userInfo(m, this.ctx));
    this.pushByTable('callUserStateChanged', before, { type: 'callUserStateChanged', data: { callID: this.call.callID, users, version: this.call.version } });
  }
  ok(): TransitionResult {
    return { ok: true, call: this.call, effects: this.effects };
  }
}
