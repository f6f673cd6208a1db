/**
 * Signing in with Microsoft Entra ID from a terminal: the OAuth 2.0 device authorization grant
 * (RFC 8628) against the v2.0 endpoints of an authority (`https://login.microsoftonline.com/<tenant>`,
 * a sovereign cloud's host, or a test stand-in):
 *
 * 1. `POST {authority}/oauth2/v2.0/devicecode` (client_id, scope) → a user code and where to enter it;
 * 2. the person signs in on any device; meanwhile
 * 3. `POST {authority}/oauth2/v2.0/token` (grant_type `urn:ietf:params:oauth:grant-type:device_code`)
 *    every `interval` seconds: `authorization_pending` → ask again, `slow_down` → ask 5 s less often
 *    from then on (RFC 8628 §3.5), `expired_token` → the code ran out, `authorization_declined` /
 *    `access_denied` → the person said no; a token ends it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CliError, EXIT } from './exit-codes';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Where and as whom to ask. */
export interface DeviceCodeRequest {
  /** `https://<host>/<tenant>`: the endpoints are under `/oauth2/v2.0/`. */
  authority: string;
  clientId: string;
  scopes: readonly string[];
}

export interface DeviceCodeToken {
  accessToken: string;
  /** When the access token expires (ISO time). */
  expiresAt: string;
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval?: number;
  message?: string;
}

async function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'demiton-cli' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      EXIT.unavailable,
      'identity_provider_unreachable',
      `The identity provider at ${new URL(url).origin} could not be reached: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body: body && typeof body === 'object' ? body : {} };
}

const describe = (body: Record<string, unknown>) =>
  typeof body['error_description'] === 'string'
    ? (body['error_description'] as string).split('\n')[0]!
    : String(body['error'] ?? 'no error given');

/**
 * Runs the device code flow: `show` receives the sentence telling the person where to enter which
 * code; resolves with the access token, or throws a CliError (5 refused/expired/declined, 6 unreachable).
 */
export async function deviceCodeSignIn(
  req: DeviceCodeRequest,
  show: (message: string) => void,
  opts: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<DeviceCodeToken> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const base = `${req.authority.replace(/\/+$/, '')}/oauth2/v2.0`;
  const scope = req.scopes.join(' ');
  const start = await postForm(`${base}/devicecode`, { client_id: req.clientId, scope });
  if (start.status !== 200 || typeof start.body['device_code'] !== 'string' || typeof start.body['user_code'] !== 'string')
    throw new CliError(EXIT.refused, 'device_code_refused', `The identity provider refused the sign-in: ${describe(start.body)}`);
  const auth = start.body as unknown as DeviceAuthorization;
  show(auth.message ?? `To sign in, open ${auth.verification_uri} and enter the code ${auth.user_code}.`);
  // RFC 8628 §3.2: 5 s when the provider names no interval.
  let intervalMs = (auth.interval && auth.interval > 0 ? auth.interval : 5) * 1_000;
  const deadline = now() + auth.expires_in * 1_000;
  for (;;) {
    await sleep(intervalMs);
    const r = await postForm(`${base}/token`, { grant_type: DEVICE_CODE_GRANT, client_id: req.clientId, device_code: auth.device_code });
    if (r.status === 200 && typeof r.body['access_token'] === 'string') {
      const expiresIn = Number(r.body['expires_in'] ?? 3_600);
      return { accessToken: r.body['access_token'], expiresAt: new Date(now() + expiresIn * 1_000).toISOString() };
    }
    const error = String(r.body['error'] ?? '');
    if (error === 'authorization_pending') {
      if (now() >= deadline) break;
      continue;
    }
    if (error === 'slow_down') {
      intervalMs += 5_000;
      continue;
    }
    if (error === 'expired_token') break;
    if (error === 'authorization_declined' || error === 'access_denied')
      throw new CliError(EXIT.refused, 'device_code_declined', `The sign-in was declined: ${describe(r.body)}`);
    throw new CliError(EXIT.refused, 'device_code_refused', `The identity provider refused the sign-in: ${describe(r.body)}`);
  }
  throw new CliError(
    EXIT.refused,
    'device_code_expired',
    `The code ${auth.user_code} expired before the sign-in was completed; run \`demiton login --device-code\` again.`,
  );
}
