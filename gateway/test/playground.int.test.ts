import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@p2p/kit';
import { startPlatform, type Platform } from '@p2p/testing';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('the partner playground in headless Chromium, offline', () => {
  let platform: Platform;
  let browser: Browser;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'deliveries'] });
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
});
