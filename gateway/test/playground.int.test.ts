import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@p2p/kit';
import { REDIS_URL, bookDelivery, handOver, signUp, startPlatform, waitFor, type Platform } from '@p2p/testing';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the partner playground in headless Chromium, offline', () => {
  let platform: Platform;
  let browser: Browser;
  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr', 'location'],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('serves GraphiQL with no script from the internet, and runs the first example query', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    const origin = new URL(platform.gatewayUrl).origin;
    const outside: string[] = [];
    // Nothing but the gateway: a request anywhere else fails, as it would on a machine offline.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const response = await page.goto(`${origin}/graphql`);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response')?.textContent?.includes('DOCUMENTS'),
      null,
      {
        timeout: 20_000,
      },
    );
    expect(await page.textContent('.graphiql-response')).toContain('parcelCategories');
    // docs/playground.png is refreshed on request (P2P_UPDATE_DOCS=1), not by every run.
    const shot =
      process.env.P2P_UPDATE_DOCS === '1' ? `${REPO_ROOT}/docs/playground.png` : `${tmpdir()}/playground.png`;
    expect((await page.screenshot({ path: shot })).length).toBeGreaterThan(10_000);
    expect(outside).toEqual([]);
  });

  /**
   * Replaces an editor's text as a person types it. The editor closes each bracket and quote as
   * it is opened, after the cursor: what follows the cursor once the text is in goes.
   */
  async function fill(page: Page, editor: string, text: string) {
    await page.click(`${editor} .monaco-editor:visible`);
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
  }

  it('runs an SDK example subscription over graphql-ws with the token in the headers editor', async () => {
    const [customer, traveler] = await Promise.all([signUp(platform), signUp(platform)]);
    const delivery = await bookDelivery(customer, traveler);
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    await page.goto(`${new URL(platform.gatewayUrl).origin}/graphql`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    await page.click('.graphiql-tab:has-text("DeliveryStatusChanged") button');
    await page.click('.graphiql-editor-tools button:has-text("Variables")');
    await fill(page, '.graphiql-editor-tool', JSON.stringify({ deliveryId: delivery.id }));
    await page.click('.graphiql-editor-tools button:has-text("Headers")');
    await fill(page, '.graphiql-editor-tool', JSON.stringify({ authorization: `Bearer ${customer.accessToken}` }));
    await page.click('.graphiql-execute-button');

    // Subscribed when the gateway listens on the delivery's channel; then the parcel is picked up.
    const redis = new Redis(REDIS_URL);
    try {
      const channel = `${platform.env.REDIS_PREFIX}:live:delivery-status:${delivery.id}`;
      const listening = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 1;
      await waitFor(listening, 15_000, 'the playground to subscribe');
    } finally {
      redis.disconnect();
    }
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response')?.textContent?.includes('PICKED_UP'),
      null,
      { timeout: 20_000 },
    );
    expect(await page.textContent('.graphiql-response')).toContain(delivery.id);
  });
});
