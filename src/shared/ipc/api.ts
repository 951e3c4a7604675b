import type { InvokeReply } from './channels.ts';
import type { EventChannel, EventPayload, InvokeArgs, InvokeChannel, InvokeResult } from './contract.ts';

/**
 * What the renderer gets, whatever carries it: the preload exposes this over Electron IPC as
 * `window.ringdesk`, and the headless host serves the same shape over a WebSocket.
 * Named methods only: one per invoke channel, and `on<Event>` per event channel.
 */
export type InvokeApi = { [C in InvokeChannel]: (args: InvokeArgs<C>) => Promise<InvokeReply<InvokeResult<C>>> };
export type EventApi = { [C in EventChannel as `on${Capitalize<C>}`]: (fn: (payload: EventPayload<C>) => void) => () => void };
export type RingdeskApi = InvokeApi & EventApi;

export const eventMethodName = (c: string): string => `on${c.charAt(0).toUpperCase()}${c.slice(1)}`;

/**
 * Frames of the WebSocket transport (headless host ⇄ page). Electron IPC needs none: it has
 * invoke/send built in. Main parses `invoke` frames; the page trusts the host it loaded from.
 */
export type HostFrame =
  | { t: 'reply'; id: number; reply: InvokeReply<unknown> }
  | { t: 'event'; channel: EventChannel; payload: unknown };
export type PageFrame = { t: 'invoke'; id: number; channel: string; args: unknown };
