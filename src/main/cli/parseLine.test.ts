import { describe, expect, it } from 'vitest';
import { parseCliLine } from './parseLine.ts';

const err = (line: string) => {
  const r = parseCliLine(line);
  if (r.ok) throw new Error(`expected an error line for ${line}`);
  return r.error;
};

/** Issue 14 item 9: every error line the CLI makes itself says which command (id, cmd) it answers. */
describe('the CLI error lines carry id and cmd', () => {
  it('a schema error caught locally echoes both', () => {
    expect(err('{"cmd":"callInvite","invitees":["bob"],"timeout":0,"id":"c7"}')).toEqual({
      type: 'error',
      cmd: 'callInvite',
      id: 'c7',
      error: { code: 'bad_request', message: 'callInvite: timeout: Too small: expected number to be >=1' },
    });
  });

  it('a numeric id is echoed as a number', () => {
    expect(err('{"id":42,"cmd":"callAccept"}')).toMatchObject({ cmd: 'callAccept', id: 42, error: { code: 'bad_request' } });
  });

  it('an unknown command echoes its name and id, and lists the known ones', () => {
    const e = err('{"cmd":"dial","to":"bob","id":"d1"}');
    expect(e).toMatchObject({ cmd: 'dial', id: 'd1', error: { code: 'unknown_type' } });
    expect(e.error.message).toMatch(/^unknown command "dial"; known: callInvite, /);
  });

  it('no cmd at all: cmd null, the id still echoed', () => {
    expect(err('{"id":"x","invitees":["bob"]}')).toMatchObject({ cmd: null, id: 'x', error: { code: 'unknown_type' } });
  });

  it('a line that is not JSON: id and cmd read from the text when they are there', () => {
    expect(err('{"cmd":"callInvite","id":"c1", invitees:[bob]}')).toEqual({
      type: 'error',
      cmd: 'callInvite',
      id: 'c1',
      error: { code: 'malformed_json', message: 'each line must be one JSON object' },
    });
    expect(err('{"id": 17, "cmd": "callEnd",')).toMatchObject({ cmd: 'callEnd', id: 17 });
  });

  it('a line that is not JSON and names nothing: both null, present', () => {
    const e = err('this is not json');
    expect(e).toEqual({ type: 'error', cmd: null, id: null, error: { code: 'malformed_json', message: 'each line must be one JSON object' } });
    expect(JSON.parse(JSON.stringify(e))).toHaveProperty('id', null);
  });

  it('ids that are not usable tags are not echoed', () => {
    expect(err('{"cmd":"callEnd","id":{"a":1}}')).toMatchObject({ cmd: 'callEnd', id: null });
    expect(err(`{"cmd":"callEnd","id":"${'x'.repeat(65)}"}`)).toMatchObject({ id: null });
    expect(err('[1,2]')).toMatchObject({ cmd: null, id: null });
  });

  it('a good line is a command', () => {
    const r = parseCliLine('{"cmd":"queryCallInvitationList","count":500,"id":3}');
    expect(r.ok && r.command).toEqual({ cmd: 'queryCallInvitationList', count: 100, nextFlag: 0, id: 3 });
  });
});
