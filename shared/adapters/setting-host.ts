/** Reading connector settings for system-type inference. */

/** The host name of the URL in `settings[key]`, or null when it is absent or not a URL. */
export function settingHost(settings: Record<string, unknown>, key: string): string | null {
  try {
    return new URL(String(settings[key])).hostname;
  } catch {
    return null;
  }
}
