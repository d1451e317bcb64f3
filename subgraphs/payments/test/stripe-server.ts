import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the provider made, as Stripe would have received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, any>;
}

type Reply = { status: number; body: unknown };
type Handler = (params: Record<string, any>, id: string | undefined) => Reply;

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const stripeError = (status: number, error: Record<string, unknown>): Reply => ({ status, body: { error } });

/** `metadata[deliveryId]=d` → `{ metadata: { deliveryId: 'd' } }`, as Stripe reads its form bodies. */
function decodeForm(body: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= {};
    });
  }
  return out;
}

/**
 * A small stand-in for the Stripe API on a local port: the endpoints the Stripe provider uses,
 * with realistic objects, Stripe's idempotency (a repeated key replays the first answer; the
 * same key with other parameters is refused), every request recorded, and declines on demand.
 */
export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly intents = new Map<string, any>();
  readonly accounts = new Map<string, any>();
  /** Payment methods whose charges are declined (`card_declined`, `insufficient_funds`). */
  readonly decliningMethods = new Set<string>();
  /** When set, the next requests to this path answer 500 (the outcome stays unknown to the caller). */
  failNext: { path: string; times: number } | null = null;
  private readonly replies = new Map<string, { signature: string; reply: Reply }>();
  private readonly routes: Record<string, Handler> = {
    'POST /v1/payment_intents': (p) => this.createIntent(p),
    'GET /v1/payment_intents/:id': (_, id) => this.found(this.intents.get(id ?? '')),
    'POST /v1/refunds': (p) => this.createRefund(p),
    'POST /v1/transfers': (p) => ({ status: 200, body: this.object('tr', 'transfer', { ...p, amount: Number(p.amount), amount_reversed: 0, reversed: false }) }),
    'POST /v1/accounts': (p) => this.createAccount(p),
    'POST /v1/account_links': (p) => ({
      status: 200,
      body: { object: 'account_link', url: `https://connect.stripe.test/setup/${p.account}/${newId('link')}`, created: now(), expires_at: now() + 300 },
    }),
  };

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeStripe> {
    const server = createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const path = (req.url ?? '/').split('?')[0]!;
    const key = req.headers['idempotency-key'] as string | undefined;
    const params = decodeForm(body);
    this.requests.push({ method: req.method ?? 'GET', path, idempotencyKey: key, params });
    const reply = this.answer(req, path, key, params);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': newId('req'), ...(reply.replayed ? { 'idempotent-replayed': 'true' } : {}) });
    res.end(JSON.stringify(reply.body));
  }

  private answer(req: IncomingMessage, path: string, key: string | undefined, params: Record<string, any>): Reply & { replayed?: boolean } {
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_test_')) {
      return stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
    }
    if (this.failNext?.path === path && this.failNext.times > 0) {
      this.failNext.times -= 1;
      return stripeError(500, { type: 'api_error', message: 'An unknown error occurred' });
    }
    const signature = `${req.method} ${path} ${JSON.stringify(params)}`;
    const earlier = key ? this.replies.get(key) : undefined;
    if (earlier) {
      if (earlier.signature !== signature) {
        return stripeError(400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' });
      }
      return { ...earlier.reply, replayed: true };
    }
    const [route, id] = this.route(req.method ?? 'GET', path);
    const reply = route ? route(params, id) : stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` });
    if (key && req.method === 'POST') this.replies.set(key, { signature, reply });
    return reply;
  }

  private route(method: string, path: string): [Handler | undefined, string | undefined] {
    const exact = this.routes[`${method} ${path}`];
    if (exact) return [exact, undefined];
    const match = /^(\/v1\/[a-z_]+)\/([A-Za-z0-9_]+)$/.exec(path);
    return match ? [this.routes[`${method} ${match[1]}/:id`], match[2]] : [undefined, undefined];
  }

  private object(prefix: string, object: string, fields: Record<string, unknown>) {
    return { id: newId(prefix), object, created: now(), livemode: false, metadata: {}, ...fields };
  }

  private found(value: unknown): Reply {
    return value ? { status: 200, body: value } : stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object' });
  }

  private createIntent(p: Record<string, any>): Reply {
    const declined = this.decliningMethods.has(p.payment_method);
    const intent = this.object('pi', 'payment_intent', {
      amount: Number(p.amount),
      currency: p.currency,
      customer: p.customer,
      payment_method: p.payment_method,
      transfer_group: p.transfer_group ?? null,
      metadata: p.metadata ?? {},
      status: declined ? 'requires_payment_method' : 'succeeded',
      latest_charge: declined ? null : newId('ch'),
      amount_refunded: 0,
      last_payment_error: declined ? { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } : null,
    });
    this.intents.set(intent.id, intent);
    if (!declined) return { status: 200, body: intent };
    return stripeError(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', payment_intent: intent });
  }

  private createRefund(p: Record<string, any>): Reply {
    const intent = this.intents.get(p.payment_intent);
    if (!intent || intent.status !== 'succeeded') return stripeError(400, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' });
    const amount = p.amount === undefined ? intent.amount - intent.amount_refunded : Number(p.amount);
    if (intent.amount_refunded + amount > intent.amount) {
      return stripeError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: `Refund amount (${amount}) is greater than the unrefunded amount` });
    }
    intent.amount_refunded += amount;
    return { status: 200, body: this.object('re', 'refund', { amount, currency: intent.currency, payment_intent: intent.id, charge: intent.latest_charge, status: 'succeeded', metadata: p.metadata ?? {} }) };
  }

  private createAccount(p: Record<string, any>): Reply {
    const account = this.object('acct', 'account', {
      type: p.type,
      country: p.country,
      default_currency: p.default_currency,
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: { transfers: 'inactive' },
      requirements: { disabled_reason: null, currently_due: ['external_account'] },
      metadata: p.metadata ?? {},
    });
    this.accounts.set(account.id, account);
    return { status: 200, body: account };
  }
}
