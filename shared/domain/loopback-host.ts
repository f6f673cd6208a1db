/**
 * Loopback hosts are the one place an Entra token may travel without TLS: Azure requires TLS for
 * token sign-in, and the tests run PostgreSQL and Redis on 127.0.0.1 without certificates.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
