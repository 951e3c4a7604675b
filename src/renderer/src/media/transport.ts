import type { Device, types } from 'mediasoup-client';
import type { SfuRequestInput } from '../../../shared/ipc/sfu.ts';
import type { CallId } from '../../../shared/protocol/common.ts';
import type { MediaSource } from '../../../shared/protocol/sfu.ts';
import type { SfuPort } from './sfuPort.ts';

const isSource = (v: unknown): v is MediaSource => v === 'mic' || v === 'camera' || v === 'screen';

export interface TransportWiring {
  port: SfuPort;
  callID: CallId;
  direction: 'send' | 'recv';
  device: Device;
  /** Throws when the join that asked has been superseded, before a local transport exists. */
  check(): void;
  onState(transport: types.Transport, state: types.ConnectionState): void;
}

/**
 * One mediasoup-client transport for the server's WebRtcTransport, wired to the SFU port:
 * `connect` and `produce` go to the server as sfuConnectTransport and sfuProduce.
 */
export async function createTransport(w: TransportWiring): Promise<types.Transport> {
  const { port, callID, direction, device } = w;
  const t = await port.request('sfuCreateTransport', { callID, direction });
  w.check();
  // The server's mediasoup WebRtcTransport parameters, shape-checked by the protocol schema.
  const opts = { id: t.transportId, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters } as types.TransportOptions;
  // TURN, when the server has it configured: absent keys leave the browser's defaults.
  if (t.iceServers) opts.iceServers = t.iceServers;
  if (t.iceTransportPolicy) opts.iceTransportPolicy = t.iceTransportPolicy;
  const transport = direction === 'send' ? device.createSendTransport(opts) : device.createRecvTransport(opts);
  transport.on('connect', ({ dtlsParameters }, ok, fail) => {
    port.request('sfuConnectTransport', { callID, transportId: transport.id, dtlsParameters }).then(() => ok(), fail);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
    const source = appData['source'];
    if (!isSource(source)) return fail(new TypeError('produce() without a source'));
    // mediasoup-client types codec parameters as unknown; they are the scalars the schema allows.
    const rtp = rtpParameters as SfuRequestInput<'sfuProduce'>['rtpParameters'];
    port
      .request('sfuProduce', { callID, transportId: transport.id, kind, rtpParameters: rtp, source, paused: appData['paused'] === true })
      .then(({ producerId }) => ok({ id: producerId }), fail);
  });
  transport.on('connectionstatechange', (s) => w.onState(transport, s));
  return transport;
}
