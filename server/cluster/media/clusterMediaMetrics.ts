import type { Registry } from 'prom-client';
import { counterFrom } from '../../metrics/counterFrom.ts';
import type { ClusterMedia } from './ClusterMedia.ts';

/** Media across nodes: placements that fell back to this node (Redis down) and the relay's traffic. */
export function registerClusterMediaMetrics(registers: Registry[], media: ClusterMedia): void {
  const copy = (name: string, help: string, read: () => number): void => counterFrom(registers, name, help, read);
  copy('ringdesk_media_placement_fallbacks_total', 'Calls placed on this node because Redis did not answer (the cluster could not decide).', () => media.stats.placementFallbacks);
  copy('ringdesk_media_relayed_total', 'sfu* requests relayed from this node to the media node of their call.', () => media.stats.relayed);
  copy('ringdesk_media_relay_failures_total', 'Relayed requests that failed on the relay itself (node unknown, unreachable, unauthorized, timed out).', () => media.stats.relayFailures);
}
