import { describe, expect, it } from 'vitest';
import { PROTOCOL_DOC_PATH, readRepoFile } from '../../../scripts/gen-protocol-doc.ts';
import { LIMITS } from './common.ts';
import { parseRequestFrame } from './envelope.ts';

/** Issue 14 item 8: ZIM reads any count over 100 as 100; a client ported from it must not break. */
describe('list page sizes are clamped like ZIM, not refused', () => {
  it.each([
    [1, 1],
    [100, 100],
    [101, 100],
    [500, 100],
    [Number.MAX_SAFE_INTEGER, 100],
  ])('queryCallInvitationList count %d is read as %d', (count, want) => {
    const r = parseRequestFrame({ id: 1, type: 'queryCallInvitationList', data: { count } });
    expect(r.error?.toWire()).toBeUndefined();
    expect(r.request?.type === 'queryCallInvitationList' && r.request.data.count).toBe(want);
  });

  it.each([0, -5, 1.5])('count %d is still refused with bad_request', (count) => {
    expect(parseRequestFrame({ id: 1, type: 'queryCallInvitationList', data: { count } }).error?.code).toBe('bad_request');
  });

  it('the limit is the documented one', () => {
    expect(LIMITS.maxListCount).toBe(100);
  });
});

describe('docs/protocol.md says what the server does', () => {
  const doc = readRepoFile(PROTOCOL_DOC_PATH);
  it('documents the clamp, and no longer calls a large count an error', () => {
    expect(doc).toContain('more than 100 reads as 100');
    expect(doc).not.toMatch(/count.{0,40}over 100 is an error/);
  });
  it('no longer says that resuming a disabled account gets token_invalid', () => {
    expect(doc).not.toMatch(/resume`[^.]*gets (\*\*)?`token_invalid`(\*\*)?[^.]*disabl/);
    expect(doc).not.toContain('the next `resume` gets **`token_invalid`**');
    expect(doc).toMatch(/A valid token of a disabled account gets `account_disabled` and close 4403/);
  });
});
