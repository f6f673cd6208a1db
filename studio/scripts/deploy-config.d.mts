/** Types of deploy-config.mjs (run by Node directly, imported by the tests). */
export function apiOrigin(apiBaseUrl: string): string;
export function swaConfigFor(origin: string, template?: unknown): { globalHeaders: Record<string, string>; [k: string]: unknown };
export function writeDeployConfig(apiBaseUrl: string, distDir?: string): string;
