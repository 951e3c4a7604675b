import { describe, expect, it } from 'vitest';
import { formatPlacement, leastLoaded, parsePlacement, workerScore, type NodeLoad, type ReportedWorkerLoad } from './mediaLoad.ts';
import { checkNodeId, checkSecret, macEquals, relayMac } from './relayProtocol.ts';

const w = (index: number, o: Partial<ReportedWorkerLoad> = {}): ReportedWorkerLoad => ({ index, routers: 0, transports: 0, producers: 0, consumers: 0, cpu: 0, ...o });
const node = (nodeId: string, workers: ReportedWorkerLoad[]): NodeLoad => ({ nodeId, relayUrl: `ws://${nodeId}:8790/relay`, announcedAddress: nodeId, at: 0, workers });

describe('placement choice', () => {
  it('takes the lowest score across every node and worker', () => {
    const loads = [node('n1', [w(0, { routers: 1, consumers: 4 }), w(1, { routers: 2 })]), node('n2', [w(0, { routers: 1, consumers: 2 }), w(1, { routers: 1, consumers: 1 })])];
    expect(leastLoaded(loads)).toEqual({ nodeId: 'n2', worker: 1 });
  });

  it('counts an empty router as a call about to grow: a fresh room outweighs a few consumers', () => {
    expect(workerScore(w(0, { routers: 1 }))).toBeGreaterThan(workerScore(w(0, { consumers: 6 })));
    expect(leastLoaded([node('a', [w(0, { routers: 1 })]), node('b', [w(0, { consumers: 6 })])])).toEqual({ nodeId: 'b', worker: 0 });
  });

  it('breaks ties by CPU, then by node id and worker index (every node decides the same)', () => {
    expect(leastLoaded([node('a', [w(0, { cpu: 0.5 })]), node('b', [w(0, { cpu: 0.1 })])])).toEqual({ nodeId: 'b', worker: 0 });
    expect(leastLoaded([node('b', [w(1), w(0)]), node('a', [w(3)])])).toEqual({ nodeId: 'a', worker: 3 });
    expect(leastLoaded([node('b', [w(1), w(0)])])).toEqual({ nodeId: 'b', worker: 0 });
  });

  it('leaves a draining node out, however idle: it keeps its rooms but takes no new one', () => {
    const idleButDraining = { ...node('a', [w(0)]), draining: true };
    expect(leastLoaded([idleButDraining, node('b', [w(0, { routers: 3, consumers: 12 })])])).toEqual({ nodeId: 'b', worker: 0 });
    expect(leastLoaded([idleButDraining])).toBeNull();
  });

  it('has no answer without a worker anywhere', () => {
    expect(leastLoaded([])).toBeNull();
    expect(leastLoaded([node('a', [])])).toBeNull();
  });

  it('stores a placement as node#worker and reads back only that shape', () => {
    expect(parsePlacement(formatPlacement({ nodeId: 'node-1.eu', worker: 3 }))).toEqual({ nodeId: 'node-1.eu', worker: 3 });
    for (const bad of [null, '', 'node', '#1', 'n#', 'n#-1', 'n#1.5', 'n o#1']) expect(parsePlacement(bad)).toBeNull();
  });
});

describe('relay authentication', () => {
  const secret = 's'.repeat(40);
  it('binds the MAC to the secret, the role, the nonce and both node ids', () => {
    const m = relayMac(secret, 'client', 'a'.repeat(32), 'n1', 'n2');
    expect(macEquals(m, relayMac(secret, 'client', 'a'.repeat(32), 'n1', 'n2'))).toBe(true);
    expect(macEquals(m, relayMac(`${secret}x`, 'client', 'a'.repeat(32), 'n1', 'n2'))).toBe(false);
    expect(macEquals(m, relayMac(secret, 'server', 'a'.repeat(32), 'n1', 'n2'))).toBe(false);
    expect(macEquals(m, relayMac(secret, 'client', 'b'.repeat(32), 'n1', 'n2'))).toBe(false);
    expect(macEquals(m, relayMac(secret, 'client', 'a'.repeat(32), 'n2', 'n1'))).toBe(false);
    expect(macEquals(m, m.slice(1))).toBe(false);
    expect(macEquals(m, '')).toBe(false);
  });

  it('refuses a short secret and a node id unfit for keys and logs, with their codes', () => {
    expect(() => checkSecret('x'.repeat(31))).toThrow(expect.objectContaining({ code: 'cluster_secret_invalid' }));
    expect(checkSecret('x'.repeat(32))).toHaveLength(32);
    for (const bad of ['', 'a b', 'a/b', 'a:b', 'x'.repeat(65)]) expect(() => checkNodeId(bad)).toThrow(expect.objectContaining({ code: 'node_id_invalid' }));
    expect(checkNodeId('node-1.eu_west')).toBe('node-1.eu_west');
  });
});
