import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Stripe's objects and form parameters are open-ended JSON; the fake reads and writes them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StripeObject = any;

/** One request the provider made, as Stripe would have received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, StripeObject>;
}

type Reply = { status: number; body: unknown };
type Handler = (params: Record<string, StripeObject>, id: string | undefined) => Reply;

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const stripeError = (status: number, error: Record<string, unknown>): Reply => ({ status, body: { error } });

/** `metadata[deliveryId]=d` → `{ metadata: { deliveryId: 'd' } }`, as Stripe reads its form bodies. */
function decodeForm(body: string): Record<string, StripeObject> {
  const out: Record<string, StripeObject> = {};
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
  readonly intents = new Map<string, StripeObject>();
  readonly accounts = new Map<string, StripeObject>();
  readonly customers = new Map<string, StripeObject>();
  readonly setupIntents = new Map<string, StripeObject>();
  readonly paymentMethods = new Map<string, StripeObject>();
  /** Transfers made (a replayed key makes none). */
  readonly transfers = new Map<string, StripeObject>();
  /** Payment methods whose charges are declined (`card_declined`, `insufficient_funds`). */
  readonly decliningMethods = new Set<string>();
  /** When set, the next requests to this path answer 500 (the outcome stays unknown to the caller). */
  failNext: { path: string; times: number } | null = null;
  /** When set, requests to this path are answered only after `ms` (a slow provider, a caller that dies waiting). */
  hold: { path: string; ms: number } | null = null;
  private readonly replies = new Map<string, { signature: string; reply: Reply }>();
  private readonly routes: Record<string, Handler> = {
    'POST /v1/payment_intents': (p) => this.createIntent(p),
    'GET /v1/payment_intents/:id': (_, id) => this.found(this.intents.get(id ?? '')),
    'POST /v1/refunds': (p) => this.createRefund(p),
    'POST /v1/transfers': (p) =>
      this.created(
        this.transfers,
        this.object('tr', 'transfer', { ...p, amount: Number(p.amount), amount_reversed: 0, reversed: false }),
      ),
    'GET /v1/transfers': (p) => this.listOf(this.transfers, Number((p.created as StripeObject | undefined)?.gte ?? 0)),
    'POST /v1/accounts': (p) => this.createAccount(p),
    'POST /v1/account_links': (p) => ({
      status: 200,
      body: {
        object: 'account_link',
        url: `https://connect.stripe.test/setup/${p.account}/${newId('link')}`,
        created: now(),
        expires_at: now() + 300,
      },
    }),
    'POST /v1/customers': (p) =>
      this.created(
        this.customers,
        this.object('cus', 'customer', {
          metadata: p.metadata ?? {},
          invoice_settings: { default_payment_method: null },
        }),
      ),
    'POST /v1/setup_intents': (p) => this.createSetupIntent(p),
    'GET /v1/setup_intents/:id': (_, id) => this.found(this.setupIntents.get(id ?? '')),
    'GET /v1/payment_methods/:id': (_, id) => this.found(this.paymentMethods.get(id ?? '')),
    'POST /v1/payment_methods/:id/detach': (_, id) => this.detach(id ?? ''),
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

  /** One page holding every object created from `since` (seconds), newest first, as Stripe lists them. */
  private listOf(objects: Map<string, StripeObject>, since: number): Reply {
    const data = [...objects.values()].filter((o) => Number(o.created) >= since).reverse();
    return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/list' } };
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
    // GET parameters come in the query string (list filters: `created[gte]`).
    const params = decodeForm(req.method === 'GET' ? ((req.url ?? '').split('?')[1] ?? '') : body);
    this.requests.push({ method: req.method ?? 'GET', path, idempotencyKey: key, params });
    if (this.hold?.path === path) await new Promise((r) => setTimeout(r, this.hold!.ms));
    const reply = this.answer(req, path, key, params);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': newId('req'),
      ...(reply.replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(reply.body));
  }

  private answer(
    req: IncomingMessage,
    path: string,
    key: string | undefined,
    params: Record<string, StripeObject>,
  ): Reply & { replayed?: boolean } {
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
        return stripeError(400, {
          type: 'idempotency_error',
          message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        });
      }
      return { ...earlier.reply, replayed: true };
    }
    const [route, id] = this.route(req.method ?? 'GET', path);
    const reply = route
      ? route(params, id)
      : stripeError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${req.method}: ${path})`,
        });
    if (key && req.method === 'POST') this.replies.set(key, { signature, reply });
    return reply;
  }

  private route(method: string, path: string): [Handler | undefined, string | undefined] {
    const exact = this.routes[`${method} ${path}`];
    if (exact) return [exact, undefined];
    const match = /^(\/v1\/[a-z_]+)\/([A-Za-z0-9_]+)(\/[a-z_]+)?$/.exec(path);
    return match ? [this.routes[`${method} ${match[1]}/:id${match[3] ?? ''}`], match[2]] : [undefined, undefined];
  }

  /**
   * What the customer's app does with the client secret (Stripe.js `confirmCardSetup`): the card
   * becomes a PaymentMethod attached to the SetupIntent's customer, or the issuer declines it.
   * Returns the SetupIntent as the webhook carries it.
   */
  confirmSetup(
    setupIntentId: string,
    card: { number: string; expMonth: number; expYear: number },
    opts: { decline?: string } = {},
  ) {
    const intent = this.setupIntents.get(setupIntentId);
    if (!intent) throw new Error(`no SetupIntent ${setupIntentId}`);
    if (opts.decline) {
      Object.assign(intent, {
        status: 'requires_payment_method',
        last_setup_error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: opts.decline,
          message: 'Your card was declined.',
        },
      });
      return structuredClone(intent);
    }
    const brand = card.number.startsWith('4')
      ? 'visa'
      : /^5[1-5]/.test(card.number)
        ? 'mastercard'
        : /^3[47]/.test(card.number)
          ? 'amex'
          : 'unknown';
    const method = this.object('pm', 'payment_method', {
      type: 'card',
      customer: intent.customer,
      billing_details: { name: null, email: null },
      card: {
        brand,
        last4: card.number.slice(-4),
        exp_month: card.expMonth,
        exp_year: card.expYear,
        funding: 'credit',
        country: 'FR',
        fingerprint: newId('fp'),
      },
    });
    this.paymentMethods.set(method.id, method);
    Object.assign(intent, { status: 'succeeded', payment_method: method.id, last_setup_error: null });
    return structuredClone(intent);
  }

  private created(map: Map<string, StripeObject>, object: StripeObject): Reply {
    map.set(object.id, object);
    return { status: 200, body: object };
  }

  private createSetupIntent(p: Record<string, StripeObject>): Reply {
    if (!this.customers.has(p.customer))
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'customer',
        message: `No such customer: '${p.customer}'`,
      });
    const id = newId('seti');
    return this.created(this.setupIntents, {
      id,
      object: 'setup_intent',
      created: now(),
      livemode: false,
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      customer: p.customer,
      usage: p.usage ?? 'off_session',
      payment_method_types: Object.values(p.allowed_payment_method_types ?? { 0: 'card' }),
      payment_method: null,
      status: 'requires_payment_method',
      last_setup_error: null,
      metadata: p.metadata ?? {},
    });
  }

  private detach(id: string): Reply {
    const method = this.paymentMethods.get(id);
    if (!method)
      return stripeError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such PaymentMethod: '${id}'`,
      });
    if (!method.customer) {
      return stripeError(400, {
        type: 'invalid_request_error',
        message: 'The payment method you provided is not attached to a customer so detachment is impossible.',
      });
    }
    method.customer = null;
    return { status: 200, body: method };
  }

  private object(prefix: string, object: string, fields: Record<string, unknown>) {
    return { id: newId(prefix), object, created: now(), livemode: false, metadata: {}, ...fields };
  }

  private found(value: unknown): Reply {
    return value
      ? { status: 200, body: value }
      : stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object' });
  }

  private createIntent(p: Record<string, StripeObject>): Reply {
    // A card saved here can only be charged for the customer it is attached to (not once detached).
    const saved = this.paymentMethods.get(p.payment_method);
    if (saved && saved.customer !== p.customer) {
      return stripeError(400, {
        type: 'invalid_request_error',
        param: 'payment_method',
        message: `The provided PaymentMethod ${p.payment_method} does not belong to the Customer ${p.customer}.`,
      });
    }
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
      last_payment_error: declined
        ? {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'insufficient_funds',
            message: 'Your card has insufficient funds.',
          }
        : null,
    });
    this.intents.set(intent.id, intent);
    if (!declined) return { status: 200, body: intent };
    return stripeError(402, {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      payment_intent: intent,
    });
  }

  private createRefund(p: Record<string, StripeObject>): Reply {
    const intent = this.intents.get(p.payment_intent);
    if (!intent || intent.status !== 'succeeded')
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: 'No such payment_intent',
      });
    const amount = p.amount === undefined ? intent.amount - intent.amount_refunded : Number(p.amount);
    if (intent.amount_refunded + amount > intent.amount) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: `Refund amount (${amount}) is greater than the unrefunded amount`,
      });
    }
    intent.amount_refunded += amount;
    return {
      status: 200,
      body: this.object('re', 'refund', {
        amount,
        currency: intent.currency,
        payment_intent: intent.id,
        charge: intent.latest_charge,
        status: 'succeeded',
        metadata: p.metadata ?? {},
      }),
    };
  }

  private createAccount(p: Record<string, StripeObject>): Reply {
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
