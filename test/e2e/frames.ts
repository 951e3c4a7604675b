// What a page decodes of a member's camera, read from the in-call quality overlay's rows (which are
// in the DOM whether or not the overlay is open). Shared by the media e2e files.
import type { Page } from 'playwright-core';

/** How long media may take to come back on a shared, slow machine. */
export const RECOVER_MS = 45_000;

/** What `page` decodes of `user`'s camera, per consumer (the quality overlay's rows, sampled each second). */
export async function framesByConsumer(page: Page, user: string): Promise<Map<string, number>> {
  const rows = await page
    .locator(`[data-direction="in"][data-user="${user}"][data-kind="video"][data-source="camera"]`)
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid') ?? '', e.getAttribute('data-frames-decoded') ?? '0'] as const));
  return new Map(rows.map(([id, f]) => [id.replace(/^stats-/, ''), Number(f)]));
}

/**
 * Frames from `user` decode on a consumer not in `old`, and keep growing on it: media came back
 * on NEW consumers (the old ones died with the server's router).
 */
export async function decodesOnNewConsumer(page: Page, user: string, old: Set<string>, ms = RECOVER_MS): Promise<string> {
  const end = Date.now() + ms;
  let first: { id: string; frames: number } | null = null;
  for (;;) {
    const now = await framesByConsumer(page, user);
    if (!first) {
      const fresh = [...now].find(([id, f]) => !old.has(id) && f > 0);
      if (fresh) first = { id: fresh[0], frames: fresh[1] };
    } else if ((now.get(first.id) ?? 0) > first.frames) {
      return first.id;
    }
    if (Date.now() > end) throw new Error(`${user}'s video never decoded again on a new consumer (${first ? `${first.id} stuck at ${first.frames}` : 'none'})`);
    await page.waitForTimeout(250);
  }
}

/**
 * Frames from `user` grow on some consumer between two samples. Each consumer is compared with its
 * own first sample: a frozen consumer still listed (its producer gone) next to a new one that grows
 * must not hide the new one.
 */
export async function keepsDecoding(page: Page, user: string, ms = RECOVER_MS): Promise<void> {
  const end = Date.now() + ms;
  const first = new Map<string, number>();
  for (;;) {
    for (const [id, f] of await framesByConsumer(page, user)) {
      const was = first.get(id);
      if (was === undefined) first.set(id, f);
      else if (f > was) return;
    }
    if (Date.now() > end) throw new Error(`${user}'s video does not decode (frames per consumer: ${JSON.stringify([...first])})`);
    await page.waitForTimeout(250);
  }
}
