/** The connector endpoint kinds that have a host allow-list (adapters/host-allowlist.ts), and their default hosts; config reads the kinds. */
/** The kinds of endpoint that have a list, with the hosts of the public and sovereign clouds. */
export const DEFAULT_ALLOWED_HOSTS = {
  'azure-blob': ['*.blob.core.windows.net', '*.blob.core.usgovcloudapi.net', '*.blob.core.chinacloudapi.cn'],
  'azure-service-bus': ['*.servicebus.windows.net', '*.servicebus.usgovcloudapi.net', '*.servicebus.chinacloudapi.cn'],
  'entra-authority': [
    'login.microsoftonline.com',
    'login.microsoftonline.us',
    'login.chinacloudapi.cn',
    'login.partner.microsoftonline.cn',
  ],
} as const satisfies Record<string, readonly string[]>;

export type EndpointKind = keyof typeof DEFAULT_ALLOWED_HOSTS;
export const ENDPOINT_KINDS = Object.keys(DEFAULT_ALLOWED_HOSTS) as EndpointKind[];
