import { Device, type types } from 'mediasoup-client';
import type { CallId } from '../../../shared/protocol/common.ts';
import type { SfuPort } from './sfuPort.ts';

/** Loads a Device with the call's router capabilities: what the incoming screen does while it rings. */
export async function loadDevice(port: SfuPort, callID: CallId, createDevice: () => Promise<Device> = () => Device.factory()): Promise<Device> {
  const [device, { rtpCapabilities }] = await Promise.all([createDevice(), port.request('sfuCapabilities', { callID })]);
  // mediasoup's own capabilities, shape-checked by the protocol schema on the way in.
  await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
  return device;
}
