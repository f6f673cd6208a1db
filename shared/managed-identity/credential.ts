/**
 * The credential the platform signs in to PostgreSQL and Redis with. With AZURE_CLIENT_ID (the
 * deployment sets it) it is the user-assigned managed identity with that client id: on App
 * Service / Functions, ManagedIdentityCredential GETs tokens from the local endpoint named by
 * IDENTITY_ENDPOINT + IDENTITY_HEADER, which the host sets. Without it, DefaultAzureCredential:
 * a system-assigned identity, or a developer's `az login` / environment credentials off Azure.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

// Few, short retries: a token is renewed 5 minutes before it expires (the one in hand keeps signing
// in meanwhile), and a new database connection waiting on it gives up after 5 s.
const retryOptions = { maxRetries: 2, retryDelayInMs: 250, maxRetryDelayInMs: 1_000 };

export function platformCredential(clientId: string | undefined): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId, retryOptions }) : new DefaultAzureCredential({ retryOptions });
}
