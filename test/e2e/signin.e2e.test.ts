// Sign-in refuses an unencrypted server on another machine, and the page says why and what to do,
// in the user's language (main sends the code insecure_server; the renderer's catalog has the words).
import { describe, expect, it } from 'vitest';
import { e2eSuite } from './suite.ts';

const suite = e2eSuite({ users: ['alice'] });

async function tryInsecure(locale: string): Promise<string> {
  const d = await suite.desktop('alice', null, { locale });
  const p = d.page;
  await p.getByTestId('signin-server').fill('ws://10.0.0.5:8787/ws');
  await p.getByTestId('signin-user').fill('alice');
  await p.getByTestId('signin-password').fill('whatever-it-is');
  await p.getByTestId('signin-submit').click();
  const error = p.getByTestId('signin-error');
  await error.waitFor();
  expect(await p.getByTestId('screen-signin').isVisible()).toBe(true);
  return (await error.textContent()) ?? '';
}

describe('sign-in over ws:// to another machine', () => {
  it('is refused in English with the reason and the way out', async () => {
    const text = await tryInsecure('en-US');
    expect(text).toContain('not encrypted (ws://)');
    expect(text).toContain('wss://');
    expect(text).toContain('AllowInsecureServer');
  });

  it('is refused in Chinese for a zh-CN system', async () => {
    const text = await tryInsecure('zh-CN');
    expect(text).toContain('未加密（ws://）');
    expect(text).toContain('AllowInsecureServer');
  });
});
