import { RingdeskError, isRingdeskError } from '../../shared/errors.ts';
import type { InvokeReply } from '../../shared/ipc/channels.ts';
import {
  INVOKES,
  isInvokeChannel,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeParsedArgs,
  type InvokeResult,
} from '../../shared/ipc/contract.ts';
import { describeIssues } from '../../shared/protocol/index.ts';
import { Logger } from '../log/Logger.ts';
import type { IpcSender, IpcTransport } from './transport.ts';

const log = new Logger('ipc');

export type IpcHandlers = {
  [C in InvokeChannel]: (args: InvokeParsedArgs<C>, sender: IpcSender) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

export interface IpcOptions {
  /** Our own pages: the packaged file:// URL, the dev server, or the headless host's origin. */
  isTrustedSender(url: string): boolean;
}

export interface IpcBridge {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  close(): void;
}

/**
 * The one place invokes are answered. It checks the sender, parses the arguments with the
 * contract's schema and turns every failure into an `{ok:false, error:{code,message}}` reply.
 * Handlers therefore only ever see parsed, typed arguments from our own pages.
 */
export function registerIpc(transport: IpcTransport, handlers: IpcHandlers, opts: IpcOptions): IpcBridge {
  const stop = transport.serve(async (channel, args, sender): Promise<InvokeReply<unknown>> => {
    if (!opts.isTrustedSender(sender.url)) {
      log.warn('refused %s from untrusted sender %s', channel, sender.url);
      return fail(new RingdeskError('forbidden', 'this page may not use the Ringdesk bridge'));
    }
    if (!isInvokeChannel(channel)) return fail(new RingdeskError('unknown_type', `unknown IPC channel "${channel}"`));
    const parsed = INVOKES[channel].args.safeParse(args ?? {});
    if (!parsed.success) return fail(new RingdeskError('bad_request', `${channel}: ${describeIssues(parsed.error)}`));
    try {
      // The schema for `channel` produced these args; the handler map is keyed the same way.
      const run = handlers[channel] as (a: unknown, s: IpcSender) => Promise<unknown> | unknown;
      return { ok: true, value: await run(parsed.data, sender) };
    } catch (e) {
      if (!isRingdeskError(e)) log.error('%s failed: %s', channel, e instanceof Error ? (e.stack ?? e.message) : String(e));
      return fail(isRingdeskError(e) ? e : new RingdeskError('internal', 'internal error'));
    }
  });
  return {
    emit: (channel, payload) => transport.emit(channel, payload),
    close: stop,
  };
}

function fail(e: RingdeskError): InvokeReply<never> {
  return { ok: false, error: e.toWire() };
}
