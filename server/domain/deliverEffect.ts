import type { Effect } from '../../src/shared/call/index.ts';
import type { Push } from '../../src/shared/protocol/index.ts';
import { Logger } from '../logger.ts';
import type { SessionRegistry } from '../routing/SessionRegistry.ts';

const log = new Logger('CallService');

/** Sends what one effect of a stored transition says to send (CallService runs it after the save). */
export function deliverEffect(sessions: SessionRegistry, e: Effect): void {
  switch (e.type) {
    case 'push':
      sessions.push(e.userId, e.device, e.push);
      return;
    case 'handledElsewhere': {
      const deviceName = sessions.deviceName(e.userId, e.device) ?? e.device;
      sessions.pushToOthers(e.userId, e.device, {
        type: 'handledOnOtherDevice',
        data: { callID: e.callID, deviceId: e.device, deviceName, action: e.action, version: e.version },
      });
      return;
    }
    case 'record': {
      const push: Push = { type: 'callRecord', data: { record: e.record } }; // one object: serialised once for all participants
      for (const p of e.record.participants) sessions.push(p.userId, null, push);
      return;
    }
    default:
      log.error('unknown effect %o', e satisfies never);
  }
}
