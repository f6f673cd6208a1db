/**
 * An organisation's model API key at rest: sealed with the connector secret box (AES-256-GCM
 * envelope under the platform's key-encryption key), bound to the organisation as additional
 * authenticated data so a sealed key copied onto another organisation's row does not open.
 */
import { SecretDecryptionError, type SealedSecrets, type SecretBox } from '../../store/secret-box';
import { ModelProviderKeyError } from '../ai-errors';

// The secret box binds (org, id); connector ids are UUIDs, so this fixed id never collides with one.
const SEAL_ID = 'model-provider';

/** Seals an organisation's model API key. */
export function sealModelKey(box: SecretBox, orgId: string, apiKey: string): Promise<SealedSecrets> {
  return box.seal(orgId, SEAL_ID, { apiKey });
}

/** Opens an organisation's model API key; `ModelProviderKeyError` when it cannot be decrypted. */
export async function openModelKey(box: SecretBox, orgId: string, sealed: SealedSecrets): Promise<string> {
  try {
    const { apiKey } = await box.open(orgId, SEAL_ID, sealed);
    if (typeof apiKey !== 'string') throw new SecretDecryptionError(SEAL_ID, 'the sealed value holds no key');
    return apiKey;
  } catch (err) {
    if (err instanceof SecretDecryptionError) throw new ModelProviderKeyError(orgId, { cause: err });
    throw err;
  }
}

/** Default base URL of the Anthropic API (what the SDK uses without `baseURL`). */
export const ANTHROPIC_DEFAULT_URL = 'https://api.anthropic.com';

/**
 * Who a key was entered for: the provider and the origin it is sent to. A key is only ever sent
 * to its audience; changing provider or origin needs the key again (or an explicit null), so an
 * admin cannot redirect a stored key they cannot read to a server of their choosing.
 */
export function keyAudience(provider: string, url: string | null): string {
  return `${provider} ${new URL(url ?? ANTHROPIC_DEFAULT_URL).origin}`;
}
