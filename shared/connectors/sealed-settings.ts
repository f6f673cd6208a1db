/**
 * Settings that are credentials in all but name, and where a connector's secrets go.
 *
 * A webhook URL (Teams, Slack, Logic Apps: whoever holds it may post), the values of extra
 * request headers, and any URL carrying a user name, password or a credential-looking query
 * parameter (`sig`, `token`, `code`, `key`…) are sealed with the secrets: the stored settings, the
 * API's views and the audit diffs carry a redacted stand-in (`https://host/[sealed]`, `[sealed]`)
 * and the value lives in the sealed envelope as the entry `settings.<path>` (a name no client can
 * send: secret names are letters, digits and `_`). Adapters get the settings with the values put
 * back. An update that sends the stand-in unchanged keeps the stored value.
 *
 * Secrets follow their host: `destinationOf` names every setting that says where a secret goes
 * (the origin of each `…Url`, `host`, `port`, the namespace, the tenant and authority, the system
 * type). When it changes, every stored secret must be entered again (or removed), as an
 * organisation's model-provider key must be.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AdapterRegistration } from '../adapters/adapter';

/** Prefix of the sealed entries holding a setting's value. */
export const SEALED_SETTING_PREFIX = 'settings.';
/** What a sealed value shows as. */
export const SEALED = '[sealed]';

const CREDENTIAL_QUERY = /(sig|signature|token|code|key|secret|password|passwd|pwd|pass|auth|authorization|credentials?)$/i;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a URL with userinfo or a credential-looking query parameter. */
export function isCredentialUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  try {
    const u = new URL(value);
    if (u.username || u.password) return true;
    for (const k of u.searchParams.keys()) if (CREDENTIAL_QUERY.test(k)) return true;
    return false;
  } catch {
    return false;
  }
}

/** Paths (`url`, `headers`, `auth.tokenUrl`) of the settings that are sealed for this adapter. */
export function sensitivePaths(reg: AdapterRegistration | undefined, settings: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined || v === null || v === '') continue;
    if (reg?.sensitiveSettings?.includes(k) || (k === 'headers' && isObject(v) && Object.keys(v).length) || isCredentialUrl(v)) out.push(k);
    else if (isObject(v)) for (const [k2, v2] of Object.entries(v)) if (isCredentialUrl(v2)) out.push(`${k}.${k2}`);
  }
  return out;
}

function getPath(o: Record<string, unknown>, path: string): unknown {
  const [a, b] = path.split(/\.(.*)/s) as [string, string | undefined];
  const v = o[a];
  return b === undefined ? v : isObject(v) ? v[b] : undefined;
}

function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const [a, b] = path.split(/\.(.*)/s) as [string, string | undefined];
  if (b === undefined) o[a] = value;
  else o[a] = { ...(isObject(o[a]) ? o[a] : {}), [b]: value };
}

/** The stand-in a sealed value shows as: a URL keeps its origin (so inference and host checks still read it). */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      const u = new URL(value);
      if (u.origin !== 'null') return `${u.origin}/${SEALED}`;
    } catch {
      // not a URL
    }
    return SEALED;
  }
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, SEALED]));
  return SEALED;
}

/** Splits full settings into what is stored in the clear (with stand-ins) and the sealed entries. */
export function sealSettings(
  reg: AdapterRegistration | undefined,
  settings: Record<string, unknown>,
): { visible: Record<string, unknown>; sealed: Record<string, string> } {
  const visible = structuredClone(settings);
  const sealed: Record<string, string> = {};
  for (const path of sensitivePaths(reg, settings)) {
    const value = getPath(settings, path);
    sealed[`${SEALED_SETTING_PREFIX}${path}`] = JSON.stringify(value);
    setPath(visible, path, redact(value));
  }
  return { visible, sealed };
}

/** Puts sealed setting values back: the settings and secrets an adapter is built with. */
export function openSettings(
  visible: Record<string, unknown>,
  opened: Record<string, unknown>,
): { settings: Record<string, unknown>; secrets: Record<string, unknown> } {
  const settings = structuredClone(visible);
  const secrets: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opened)) {
    if (k.startsWith(SEALED_SETTING_PREFIX) && typeof v === 'string')
      setPath(settings, k.slice(SEALED_SETTING_PREFIX.length), JSON.parse(v));
    else secrets[k] = v;
  }
  return { settings, secrets };
}

/**
 * Replaces stand-ins an update sent back unchanged with the stored values; returns the full
 * settings and the paths so kept.
 */
export function keepEchoedSettings(
  body: Record<string, unknown>,
  storedVisible: Record<string, unknown>,
  storedFull: Record<string, unknown>,
  storedSealedPaths: readonly string[],
): { settings: Record<string, unknown>; kept: string[] } {
  const settings = structuredClone(body);
  const kept: string[] = [];
  for (const path of storedSealedPaths) {
    const sent = getPath(body, path);
    if (sent !== undefined && isDeepStrictEqual(sent, getPath(storedVisible, path))) {
      setPath(settings, path, getPath(storedFull, path));
      kept.push(path);
    }
  }
  return { settings, kept };
}

const WHERE = /^(host|hostname|server|port|fullyQualifiedNamespace|tenantId|authorityHost|accountName|tls|ssl|secure|security)$/i;

/** Every setting that says where a connector's secrets are sent, normalised (URLs by origin). */
export function destinationOf(c: {
  systemType?: string | undefined;
  connectionType?: string | undefined;
  settings: Record<string, unknown>;
}): Record<string, unknown> {
  const out: Record<string, unknown> = { systemType: c.systemType ?? null, connectionType: c.connectionType ?? null };
  const visit = (prefix: string, o: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(o)) {
      const path = `${prefix}${k}`;
      if (typeof v === 'string' && /url$/i.test(k)) {
        try {
          out[path] = new URL(v).origin.toLowerCase();
        } catch {
          out[path] = v;
        }
      } else if (WHERE.test(k) && (typeof v === 'string' || typeof v === 'number')) out[path] = typeof v === 'string' ? v.toLowerCase() : v;
      else if (isObject(v) && depth === 0 && k !== 'headers') visit(`${path}.`, v, 1);
    }
  };
  visit('', c.settings, 0);
  return out;
}

/** The destination settings that differ between two connectors (paths), empty when the secrets may stay. */
export function destinationChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}
