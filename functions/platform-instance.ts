/**
 * One Platform per process, created on first use from the process environment. Entry points
 * (Azure registrations, local host, worker) all go through here; nothing else reads process.env.
 */
import { loadConfig, type Config } from '../shared/config';
import { createPlatform, type Platform } from '../shared/platform';

let instance: Promise<Platform> | null = null;
let config: Config | null = null;

/** The process's platform, created once. A failed start is retried on the next call. */
export function getPlatform(): Promise<Platform> {
  if (!instance) {
    instance = createPlatform(configFromEnv()).catch((err) => {
      instance = null;
      throw err;
    });
  }
  return instance;
}

/** Installs an already-built platform (the local host and tests build their own). */
export function setPlatform(p: Platform): void {
  instance = Promise.resolve(p);
}

/**
 * The configuration compiled from the process environment, once per process (registration,
 * appStart and the platform all read this one). An invalid environment throws on every call.
 */
export function configFromEnv(): Config {
  return (config ??= loadConfig(process.env));
}
