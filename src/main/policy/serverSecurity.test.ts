import { describe, expect, it } from 'vitest';
import { isRingdeskError } from '../../shared/errors.ts';
import { checkServerUrl } from './applyPolicy.ts';
import { EMPTY_POLICY, resolvePolicy } from './Policy.ts';
import { checkServerSecurity, isLoopbackHost, transportVerdict } from './serverSecurity.ts';

describe('transportVerdict: ws:// only to this machine unless policy allows it', () => {
  // [url, verdict without the policy, verdict with AllowInsecureServer]
  const TABLE: [string, string, string][] = [
    ['ws://127.0.0.1:8787/ws', 'ok', 'ok'],
    ['ws://127.8.9.10/ws', 'ok', 'ok'],
    ['ws://[::1]:8787/ws', 'ok', 'ok'],
    ['ws://[::ffff:127.0.0.1]:8787/ws', 'ok', 'ok'],
    ['ws://localhost:8787/ws', 'ok', 'ok'],
    ['ws://LOCALHOST./ws', 'ok', 'ok'],
    ['ws://ringdesk.localhost/ws', 'ok', 'ok'],
    ['ws://10.0.0.5:8787/ws', 'insecure', 'ok'],
    ['ws://192.168.1.20/ws', 'insecure', 'ok'],
    ['ws://128.0.0.1/ws', 'insecure', 'ok'],
    ['ws://[::2]/ws', 'insecure', 'ok'],
    ['ws://[::ffff:10.0.0.5]/ws', 'insecure', 'ok'],
    ['ws://calls.example.com/ws', 'insecure', 'ok'],
    ['ws://localhost.example.com/ws', 'insecure', 'ok'],
    ['ws://127.0.0.1.nip.io/ws', 'insecure', 'ok'],
    ['wss://calls.example.com/ws', 'ok', 'ok'],
    ['wss://10.0.0.5:8443/ws', 'ok', 'ok'],
    ['WSS://calls.example.com/ws', 'ok', 'ok'],
    ['http://calls.example.com/ws', 'invalid', 'invalid'],
    ['not a url', 'invalid', 'invalid'],
  ];
  it.each(TABLE)('%s → %s (with the policy: %s)', (url, without, withPolicy) => {
    expect(transportVerdict(url, false)).toBe(without);
    expect(transportVerdict(url, true)).toBe(withPolicy);
  });

  it('isLoopbackHost takes URL hostnames as URL gives them', () => {
    expect(isLoopbackHost(new URL('ws://[::1]/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('ws://127.0.0.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('ws://10.0.0.5/').hostname)).toBe(false);
  });

  it('refuses with insecure_server, a code the renderer translates, and a message that says what to do', () => {
    let err: unknown;
    try {
      checkServerSecurity('ws://10.0.0.5:8787/ws', false);
    } catch (e) {
      err = e;
    }
    expect(isRingdeskError(err) && err.code).toBe('insecure_server');
    expect((err as Error).message).toMatch(/wss:\/\/.*AllowInsecureServer/);
    expect(() => checkServerSecurity('ws://10.0.0.5:8787/ws', true)).not.toThrow();
  });

  it('the AllowInsecureServer policy key reaches checkServerUrl; a ws:// ServerUrl without it is a policy warning', () => {
    expect(() => checkServerUrl('ws://10.0.0.5:8787/ws', EMPTY_POLICY)).toThrow(/not encrypted/);
    const allowed = resolvePolicy([{ name: 'HKLM', values: { ServerUrl: 'ws://10.0.0.5:8787/ws', AllowInsecureServer: 1 } }]);
    expect(allowed.policy.allowInsecureServer).toBe(true);
    expect(allowed.warnings).toEqual([]);
    expect(() => checkServerUrl('ws://10.0.0.5:8787/ws', allowed.policy)).not.toThrow();
    const notAllowed = resolvePolicy([{ name: 'HKLM', values: { ServerUrl: 'ws://10.0.0.5:8787/ws' } }]);
    expect(notAllowed.policy.allowInsecureServer).toBe(false);
    expect(notAllowed.warnings).toEqual([{ source: 'policy', key: 'ServerUrl', code: 'insecureServer', params: {} }]);
  });
});
