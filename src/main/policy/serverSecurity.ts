import { RingdeskError } from '../../shared/errors.ts';

/**
 * Whether a URL's host is this machine: 127.0.0.0/8, ::1 (also as an IPv4-mapped address) or
 * "localhost" and its subdomains (RFC 6761 keeps those on loopback).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // WHATWG URL writes an IPv4-mapped 127.x.y.z as ::ffff:7fxx:yyzz.
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)) return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4[1] === '127';
}

/**
 * What signing in to `url` over this transport means: fine, or refused because a password and the
 * calls would cross the network unencrypted. ws:// to another machine needs the IT policy
 * AllowInsecureServer (a lab, or a TLS proxy the organisation trusts on the path).
 */
export function transportVerdict(url: string, allowInsecure: boolean): 'ok' | 'insecure' | 'invalid' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'invalid';
  }
  if (u.protocol === 'wss:') return 'ok';
  if (u.protocol !== 'ws:') return 'invalid';
  return allowInsecure || isLoopbackHost(u.hostname) ? 'ok' : 'insecure';
}

/** Refuses ws:// to another machine unless policy allows it; the renderer explains `insecure_server` in the user's language. */
export function checkServerSecurity(url: string, allowInsecure: boolean): void {
  if (transportVerdict(url, allowInsecure) === 'insecure') {
    throw new RingdeskError(
      'insecure_server',
      `${url} is not encrypted (ws://): use the server's wss:// address, or ask IT to set the AllowInsecureServer policy`,
    );
  }
}
