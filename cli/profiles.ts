/**
 * Profiles: one per environment (`dev`, `prod`…), each with the control plane URL and its
 * credential, kept in one JSON file — DEMITON_CONFIG, else $XDG_CONFIG_HOME/demiton/config.json,
 * else ~/.config/demiton/config.json — written with mode 0600 since it holds API keys.
 * The CLI's environment is read here and only here.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { zodIssues } from '../shared/domain/zod-issues';
import { CliError, EXIT } from './exit-codes';

const Profile = z.strictObject({
  url: z.url(),
  apiKey: z.string().min(1).optional(),
  /** An Entra access token from `login --device-code`, and when it expires (ISO time). */
  accessToken: z.string().min(1).optional(),
  accessTokenExpiresAt: z.iso.datetime().optional(),
  /** Where `login --device-code` signs in (`https://<host>/<tenant>`: sovereign clouds, tests), as which client, for which scopes. */
  authority: z.url().optional(),
  clientId: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).optional(),
});
export type Profile = z.infer<typeof Profile>;

const ConfigFile = z.strictObject({
  current: z.string().min(1).optional(),
  profiles: z.record(z.string(), Profile).default({}),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** What the environment says, read once. */
export interface CliEnv {
  configPath: string;
  profile: string | undefined;
  url: string | undefined;
  apiKey: string | undefined;
}

/** Reads the CLI's variables: DEMITON_CONFIG, DEMITON_PROFILE, DEMITON_URL, DEMITON_API_KEY (for CI, no file needed). */
export function cliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return {
    configPath: env['DEMITON_CONFIG'] || join(base, 'demiton', 'config.json'),
    profile: env['DEMITON_PROFILE'] || undefined,
    url: env['DEMITON_URL'] || undefined,
    apiKey: env['DEMITON_API_KEY'] || undefined,
  };
}

/** The config file, or an empty one when it does not exist yet. */
export function readConfig(path: string): ConfigFile {
  if (!existsSync(path)) return { profiles: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliError(EXIT.usage, 'invalid_config', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const r = ConfigFile.safeParse(raw);
  if (!r.success) throw new CliError(EXIT.usage, 'invalid_config', `${path} is not a valid demiton config file.`, zodIssues(r.error));
  return r.data;
}

/** Writes the config file atomically, readable by its owner only. */
export function writeConfig(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The connection a command uses: flags over environment over the selected profile. */
export interface Connection {
  profile: string | null;
  url: string;
  apiKey?: string;
  accessToken?: string;
}

/** Picks the profile (--profile, DEMITON_PROFILE, the current one) and applies --url / DEMITON_URL and DEMITON_API_KEY over it. */
export function resolveConnection(env: CliEnv, flags: { profile?: string | undefined; url?: string | undefined }): Connection {
  const config = readConfig(env.configPath);
  const name = flags.profile ?? env.profile ?? config.current ?? null;
  const profile = name ? config.profiles[name] : undefined;
  if (name && !profile && (flags.profile || env.profile))
    throw new CliError(
      EXIT.usage,
      'unknown_profile',
      `No profile '${name}' in ${env.configPath}; create it with \`demiton login --profile ${name}\`.`,
    );
  const url = flags.url ?? env.url ?? profile?.url;
  if (!url)
    throw new CliError(
      EXIT.usage,
      'no_profile',
      'No control plane to talk to: run `demiton login --url <url>`, or set DEMITON_URL (and DEMITON_API_KEY).',
    );
  const apiKey = env.apiKey ?? profile?.apiKey;
  const token =
    profile?.accessToken && (!profile.accessTokenExpiresAt || Date.parse(profile.accessTokenExpiresAt) > Date.now())
      ? profile.accessToken
      : undefined;
  if (!apiKey && profile?.accessToken && !token)
    throw new CliError(
      EXIT.refused,
      'token_expired',
      `The sign-in of profile '${name}' has expired; run \`demiton login --profile ${name} --device-code\` again.`,
    );
  return {
    profile: profile ? name : null,
    url: url.replace(/\/+$/, ''),
    ...(apiKey ? { apiKey } : token ? { accessToken: token } : {}),
  };
}
