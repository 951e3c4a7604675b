import type { SfuPushEvent, SfuRequestInput, SfuRequestResult, SfuRequestType } from '../../../shared/ipc/sfu.ts';

/**
 * What RoomClient needs from the outside world: send an SFU request and hear SFU pushes. The
 * bridge carries both to main and main to the server (mediasoup-client's own rule: the library
 * never touches the network). Tests hand in a fake.
 */
export interface SfuPort {
  request<T extends SfuRequestType>(type: T, data: SfuRequestInput<T>): Promise<SfuRequestResult<T>>;
  onPush(fn: (push: SfuPushEvent) => void): () => void;
}
