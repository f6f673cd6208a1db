import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsOf, handshakeOf, visibleHeaders } from './events';
import { parseStripeHeader, stripeSignatureHeader, verifyDelivery, type SignedRequest } from './verify';

const req = (rawBody: Buffer, headers: Record<string, string> = {}, query: Record<string, string> = {}): SignedRequest => ({
  rawBody,
  header: (n) => headers[n] ?? null,
  query: (n) => query[n] ?? null,
});

describe('verifyDelivery', () => {
  const hmac = { type: 'hmac' as const, header: 'X-Sig', encoding: 'base64' as const, prefix: '' };

  it('accepts a base64 HMAC with the current or the previous secret, nothing else', () => {
    const body = Buffer.from('{"a":1}');
    const sig = (s: string) => createHmac('sha256', s).update(body).digest('base64');
    expect(verifyDelivery(hmac, ['new-secret', 'old-secret'], req(body, { 'x-sig': sig('old-secret') }))).toBeNull();
    expect(verifyDelivery(hmac, ['new-secret'], req(body, { 'x-sig': sig('old-secret') }))).toBe('signature_mismatch');
    expect(verifyDelivery(hmac, [], req(body, { 'x-sig': sig('old-secret') }))).toBe('no_secret');
  });

  it('stripe-style: a signed timestamp outside the tolerance is stale; inside it verifies', () => {
    const v = { type: 'stripe-style' as const, header: 'Stripe-Signature', toleranceSeconds: 300 };
    const body = Buffer.from('{}');
    const now = 1_800_000_000_000;
    expect(verifyDelivery(v, ['s'], req(body, { 'stripe-signature': stripeSignatureHeader('s', body, now / 1000 - 299) }), now)).toBeNull();
    expect(verifyDelivery(v, ['s'], req(body, { 'stripe-signature': stripeSignatureHeader('s', body, now / 1000 - 301) }), now)).toBe(
      'stale_timestamp',
    );
    expect(parseStripeHeader('t=abc,v1=00')).toBeNull();
  });

  it('fast-check: no random signature header verifies a random body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 100 }), (body, sig) => {
        expect(
          verifyDelivery({ ...hmac, encoding: 'hex', prefix: 'sha256=' }, ['k'.repeat(20)], req(Buffer.from(body), { 'x-sig': sig })),
        ).not.toBeNull();
      }),
    );
  });
});

describe('events and handshakes', () => {
  const none = () => null;
  it('Graph validation echoes the token; Event Grid validation answers validationResponse', () => {
    expect(
      handshakeOf(
        'graph',
        'POST',
        none,
        (n) => (n === 'validationToken' ? 'abc' : null),
        () => undefined,
      ),
    ).toMatchObject({ status: 200, text: 'abc' });
    expect(
      handshakeOf('event-grid', 'POST', none, none, () => [
        { eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'c' } },
      ]),
    ).toMatchObject({ body: { validationResponse: 'c' } });
    expect(
      handshakeOf(
        'json',
        'POST',
        none,
        (n) => (n === 'validationToken' ? 'abc' : null),
        () => undefined,
      ),
    ).toBeNull();
  });

  it('CloudEvents ids are scoped by source; Graph notifications are identified by content', () => {
    const [a] = eventsOf('event-grid', none, { specversion: '1.0', id: '1', source: '/s', type: 't' }, undefined);
    expect(a!.deliveryId).toBe('/s#1');
    const n = { subscriptionId: 's', resource: 'r' };
    expect(eventsOf('graph', none, { value: [n] }, undefined)[0]!.deliveryId).toBe(
      eventsOf('graph', none, { value: [{ ...n }] }, undefined)[0]!.deliveryId,
    );
  });

  it('the mapping never sees credentials', () => {
    expect(
      visibleHeaders(Object.entries({ Authorization: 'x', Cookie: 'y', 'X-Api-Key': 'z', 'X-Token': 't', 'X-Other': 'o' }), 'x-token'),
    ).toEqual({ 'x-other': 'o' });
  });
});
