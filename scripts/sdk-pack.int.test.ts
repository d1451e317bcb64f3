import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@p2p/kit';
import { CreateDeliveryRequestDocument, CreateTripDocument, MakeOfferDocument } from '@p2p/sdk';
import { requestInput, signUp, startPlatform, tripInput, waitFor, type Platform, type SignedUp } from '@p2p/testing';
import { packSdk } from './pack-sdk.js';

/** A partner's program: plain JavaScript, the packed SDK from npm's point of view, nothing of the workspace. */
const PROGRAM = `
import { Client, MyOfferUpdatesDocument, ParcelCategoriesDocument } from '@p2p/sdk';
import { WebSocket } from 'ws';

const client = new Client({ url: process.env.GATEWAY_URL, accessToken: () => process.env.TOKEN, webSocketImpl: WebSocket });
const { parcelCategories } = await client.run(ParcelCategoriesDocument);
const event = await new Promise((resolve, reject) =>
  client.subscribe(MyOfferUpdatesDocument, {}, { next: resolve, error: reject }),
);
console.log(JSON.stringify({ categories: parcelCategories.length, kind: event.data.myOfferUpdates.kind }));
await client.close();
`;

describe('the SDK packed with npm pack, installed into a scratch project, used from plain JavaScript', () => {
  let platform: Platform;
  let customer: SignedUp;
  let traveler: SignedUp;
  let scratch: string;
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'p2p-sdk-partner-'));
    const tarball = packSdk(scratch);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'partner', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball, 'ws'], { cwd: scratch });
    writeFileSync(join(scratch, 'program.mjs'), PROGRAM);
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    [customer, traveler] = await Promise.all([signUp(platform), signUp(platform)]);
  }, 180_000);
  afterAll(async () => {
    await redis.quit();
    await platform?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('runs a query and a subscription', async () => {
    const child = spawn(process.execPath, ['program.mjs'], {
      cwd: scratch,
      env: { PATH: process.env.PATH, GATEWAY_URL: platform.gatewayUrl, TOKEN: traveler.accessToken },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    // Once the program follows the traveler's offers, the traveler makes one.
    const channel = `${platform.env.REDIS_PREFIX}:live:offers-of-traveler:${traveler.id}`;
    const following = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 1;
    await waitFor(following, 20_000, 'the program’s subscription');
    const trip = (await traveler.client.run(CreateTripDocument, { input: tripInput() })).createTrip;
    const request = (await customer.client.run(CreateDeliveryRequestDocument, { input: requestInput() }))
      .createDeliveryRequest;
    const price = { amountMinor: 2000, currency: 'EUR' };
    await traveler.client.run(MakeOfferDocument, { input: { requestId: request.id, tripId: trip.id, price } });
    expect(await exited).toBe(0);
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ categories: expect.any(Number), kind: 'CREATED' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!).categories).toBeGreaterThan(0);
  }, 60_000);
});
