// Writes the two files that tell a built studio (studio/dist) where its API is, at deploy time,
// so one build serves any deployment: `config.json` ({ apiBaseUrl }, read by the studio before it
// signs in) and `staticwebapp.config.json` (studio/staticwebapp.config.json with the API origin
// added to the Content-Security-Policy `connect-src`). The studio calls the Function App
// directly (no Static Web Apps linked backend: its proxy replaces the Authorization header and
// cuts responses at about 45 s, which would break run-event and chat streams); the Function App
// allows the studio origin by CORS (bicep/modules/function-app.bicep).
//
// Usage: node studio/scripts/deploy-config.mjs <api base URL, e.g. https://func-x.azurewebsites.net> [dist dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const studioRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The API origin from a base URL: https only, no path, query or credentials. */
export function apiOrigin(apiBaseUrl) {
  let u;
  try {
    u = new URL(apiBaseUrl);
  } catch {
    throw new Error(`not a URL: '${apiBaseUrl}'`);
  }
  if (u.protocol !== 'https:') throw new Error(`the API must be reached over https, not '${u.protocol}'`);
  if (u.username || u.password || u.search || (u.pathname !== '/' && u.pathname !== ''))
    throw new Error(`expected an origin such as https://func-x.azurewebsites.net, got '${apiBaseUrl}'`);
  return u.origin;
}

/** The Static Web App configuration with `origin` allowed in connect-src (template: studio/staticwebapp.config.json). */
export function swaConfigFor(origin, template = JSON.parse(readFileSync(join(studioRoot, 'staticwebapp.config.json'), 'utf8'))) {
  const config = structuredClone(template);
  const csp = config.globalHeaders['Content-Security-Policy'];
  const directives = csp
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  const i = directives.findIndex((d) => d.startsWith('connect-src '));
  if (i < 0) throw new Error('the template CSP has no connect-src directive');
  if (!directives[i].split(/\s+/).includes(origin)) directives[i] = `${directives[i]} ${origin}`;
  config.globalHeaders['Content-Security-Policy'] = directives.join('; ');
  return config;
}

/** Writes config.json and staticwebapp.config.json into `distDir`. */
export function writeDeployConfig(apiBaseUrl, distDir = join(studioRoot, 'dist')) {
  const origin = apiOrigin(apiBaseUrl);
  writeFileSync(join(distDir, 'config.json'), `${JSON.stringify({ apiBaseUrl: origin }, null, 2)}\n`);
  writeFileSync(join(distDir, 'staticwebapp.config.json'), `${JSON.stringify(swaConfigFor(origin), null, 2)}\n`);
  return origin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [url, dir] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node studio/scripts/deploy-config.mjs <api base URL> [dist dir]');
    process.exit(2);
  }
  try {
    const origin = writeDeployConfig(url, dir ? resolve(dir) : undefined);
    console.log(`studio: API at ${origin} (config.json, CSP connect-src)`);
  } catch (err) {
    console.error(`studio deploy config: ${err.message}`);
    process.exit(1);
  }
}
