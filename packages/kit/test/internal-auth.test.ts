import { describe, expect, it, vi } from 'vitest';
import {
  InvalidCredentialError,
  signGatewayCredential,
  signServiceCredential,
  verifyInternalCredential,
} from '../src/index.js';

const secret = 'a'.repeat(64);
const viewer = { id: 'u1', roles: ['CUSTOMER' as const], scopes: [], sessionId: 's1' };
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('internal credentials', () => {
  it('round-trips the gateway viewer, a service name and the trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const gw = await signGatewayCredential(secret, {
      viewer,
      ip: '10.0.0.1',
      userAgent: 'ua',
      requestId: 'r1',
      traceparent,
    });
    expect(await verifyInternalCredential(secret, gw)).toEqual({
      kind: 'gateway',
      viewer,
      ip: '10.0.0.1',
      userAgent: 'ua',
      requestId: 'r1',
      traceparent,
    });
    const svc = await signServiceCredential(secret, 'deliveries', 'r2');
    expect(await verifyInternalCredential(secret, svc)).toEqual({
      kind: 'service',
      service: 'deliveries',
      requestId: 'r2',
      traceparent: null,
    });
  });

  it('refuses another secret, a tampered payload, alg none, a missing token and an expired one', async () => {
    const token = await signGatewayCredential(secret, { viewer, ip: null, userAgent: null, requestId: 'r' });
    const [header, payload, signature] = token.split('.');
    const escalated = b64({
      ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
      viewer: { ...viewer, scopes: ['admin'] },
    });
    const attempts = [
      verifyInternalCredential('b'.repeat(64), token),
      verifyInternalCredential(secret, `${header}.${escalated}.${signature}`),
      verifyInternalCredential(secret, `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`),
      verifyInternalCredential(secret, undefined),
      verifyInternalCredential(secret, `${token}.extra`),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidCredentialError);
    vi.useFakeTimers({ now: Date.now() + 61_000 });
    try {
      await expect(verifyInternalCredential(secret, token)).rejects.toThrow('expired');
    } finally {
      vi.useRealTimers();
    }
  });
});
