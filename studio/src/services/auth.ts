/**
 * Sign-in with Microsoft Entra ID through MSAL, when the control plane says it is configured.
 * MSAL is loaded only then (a dynamic import), so development mode ships none of it. Tokens
 * reach the API through `configureApi({ getToken })`.
 */
import { configureApi, getAuthConfig, type AuthConfig } from './api';

export interface AuthState {
  config: AuthConfig;
  account: { name: string; username: string } | null;
}

/** Reads the configuration; with Entra, completes a redirect sign-in or starts one. */
export async function startAuth(): Promise<AuthState> {
  const config = await getAuthConfig();
  if (config.devMode || !config.clientId || !config.authority) return { config, account: null };
  const { PublicClientApplication, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  const msal = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      redirectUri: window.location.origin,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const redirect = await msal.handleRedirectPromise();
  const account = redirect?.account ?? msal.getAllAccounts()[0] ?? null;
  if (!account) {
    await msal.loginRedirect({ scopes: config.scopes });
    return { config, account: null };
  }
  msal.setActiveAccount(account);
  configureApi({
    getToken: async () => {
      try {
        return (await msal.acquireTokenSilent({ scopes: config.scopes, account })).accessToken;
      } catch (err) {
        if (err instanceof InteractionRequiredAuthError) await msal.acquireTokenRedirect({ scopes: config.scopes, account });
        throw err;
      }
    },
  });
  return { config, account: { name: account.name ?? account.username, username: account.username } };
}
