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

describe('sign-in to an address where nothing answers', () => {
  it('names the address and the cause (refused), says what to do, and clears the password', async () => {
    // A port that was free a moment ago: main's probe gets a real ECONNREFUSED.
    const { createServer } = await import('node:net');
    const tmp = createServer();
    const port = await new Promise<number>((resolve) => tmp.listen(0, '127.0.0.1', () => resolve((tmp.address() as { port: number }).port)));
    await new Promise((r) => tmp.close(r));
    const d = await suite.desktop('alice', null, { locale: 'en-US' });
    const p = d.page;
    const address = `ws://127.0.0.1:${port}/ws`;
    await p.getByTestId('signin-server').fill(address);
    await p.getByTestId('signin-user').fill('alice');
    await p.getByTestId('signin-password').fill('whatever-it-is');
    await p.getByTestId('signin-submit').click();
    const error = p.getByTestId('signin-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('server_refused');
    const text = (await error.textContent()) ?? '';
    expect(text).toContain(`The server ${address} refused the connection`);
    expect(text).toContain('Check the address and port');
    expect(await p.getByTestId('signin-password').inputValue()).toBe('');
  });
});
