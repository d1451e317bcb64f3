import { BodyTooLargeError, readRawBody, sendJson, type Route } from '@p2p/kit';
import type { StripeWebhooks } from '../services/webhooks.js';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

/**
 * Stripe's webhook endpoint. Public, like every extra route (Stripe holds no internal
 * credential): the signature, checked on the raw body with STRIPE_WEBHOOK_SECRET, is what
 * authenticates it. A bad signature is 400; an event we fail to apply is 500, so Stripe retries.
 */
export function stripeWebhookRoute(webhooks: StripeWebhooks): Route {
  return async (req, res) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    let body: Buffer;
    try {
      body = await readRawBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'body too large' });
      throw err;
    }
    const event = webhooks.verify(body, req.headers['stripe-signature']);
    if (!event) return sendJson(res, 400, { error: 'invalid signature' });
    const outcome = await webhooks.handle(event);
    sendJson(res, 200, { received: true, duplicate: outcome === 'duplicate' });
  };
}
