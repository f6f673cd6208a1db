/**
 * Verifying a webhook delivery, over the raw bytes of its body: an HMAC-SHA256 signature in a
 * header (GitHub, Shopify…), a Stripe-style signed timestamp, a shared token in a header or query
 * parameter, or a Graph / Business Central `clientState`. Every comparison is constant-time, and
 * each secret that is valid (the current one, and the previous one during a rotation) is tried.
 *
 * The result is a reason code or null; callers answer every failure the same way (401) and keep
 * the reason for the trigger's own log.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Verification } from '../domain/triggers-api';

/** What a verification reads from a request. */
export interface SignedRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  header(name: string): string | null;
  query(name: string): string | null;
}

/** Why a delivery was refused (never shown to the sender). */
export type VerificationFailure =
  'signature_missing' | 'signature_malformed' | 'signature_mismatch' | 'stale_timestamp' | 'token_missing' | 'token_mismatch' | 'no_secret';

/** Constant-time equality of two byte strings of possibly different lengths (hashed first, so length is not leaked by an early exit). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function hmac(secret: string, ...parts: Array<string | Buffer>): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

function decodeSignature(text: string, encoding: 'hex' | 'base64'): Buffer | null {
  const t = text.trim();
  if (encoding === 'hex') return HEX.test(t) ? Buffer.from(t, 'hex') : null;
  return BASE64.test(t) ? Buffer.from(t, 'base64') : null;
}

/** Parses `t=…,v1=…,v1=…` (Stripe-Signature); null when malformed. */
export function parseStripeHeader(value: string): { timestamp: number; signatures: Buffer[] } | null {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && HEX.test(v)) signatures.push(Buffer.from(v, 'hex'));
  }
  return timestamp !== null && signatures.length ? { timestamp, signatures } : null;
}

/**
 * Checks one delivery against a trigger's verification (not `entra`, which is sign-in, nor
 * `client-state`, which is checked per notification). `secrets` are the secrets valid now.
 */
export function verifyDelivery(
  v: Verification,
  secrets: readonly string[],
  req: SignedRequest,
  nowMs: number = Date.now(),
): VerificationFailure | null {
  if (!secrets.length) return 'no_secret';
  switch (v.type) {
    case 'hmac': {
      const raw = req.header(v.header.toLowerCase());
      if (raw === null) return 'signature_missing';
      if (v.prefix && !raw.trim().startsWith(v.prefix)) return 'signature_malformed';
      const given = decodeSignature(raw.trim().slice(v.prefix.length), v.encoding);
      if (!given) return 'signature_malformed';
      let ok = false;
      // Every secret is tried (no early exit), so the time taken does not say which matched.
      for (const s of secrets) ok = timingSafeEqual(hmac(s, req.rawBody), given) || ok;
      return ok ? null : 'signature_mismatch';
    }
    case 'stripe-style': {
      const raw = req.header(v.header.toLowerCase());
      if (raw === null) return 'signature_missing';
      const parsed = parseStripeHeader(raw);
      if (!parsed) return 'signature_malformed';
      let ok = false;
      for (const s of secrets) {
        const expected = hmac(s, `${parsed.timestamp}.`, req.rawBody);
        for (const sig of parsed.signatures) ok = timingSafeEqual(expected, sig) || ok;
      }
      if (!ok) return 'signature_mismatch';
      // Checked after the signature: only a genuine (signed) timestamp can be stale.
      if (Math.abs(nowMs / 1000 - parsed.timestamp) > v.toleranceSeconds) return 'stale_timestamp';
      return null;
    }
    case 'token': {
      const given = v.header ? req.header(v.header.toLowerCase()) : v.query ? req.query(v.query) : null;
      if (given === null || given === '') return 'token_missing';
      let ok = false;
      for (const s of secrets) ok = safeEqual(Buffer.from(given), Buffer.from(s)) || ok;
      return ok ? null : 'token_mismatch';
    }
    case 'client-state':
    case 'entra':
      return null;
  }
}

/** True when `given` equals one of the secrets (Graph and Business Central `clientState`), compared in constant time. */
export function clientStateMatches(given: unknown, secrets: readonly string[]): boolean {
  if (typeof given !== 'string') return false;
  let ok = false;
  for (const s of secrets) ok = safeEqual(Buffer.from(given), Buffer.from(s)) || ok;
  return ok;
}

/** A Stripe-style signature header for `rawBody` at `timestampSeconds` (for senders and tests). */
export function stripeSignatureHeader(secret: string, rawBody: Buffer | string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, `${timestampSeconds}.`, rawBody).toString('hex')}`;
}
