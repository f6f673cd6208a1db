// `npm start` and `npm run worker`: runs `node <args…>` with DEMITON_DEV_MODE=on when no identity
// provider is configured (ENTRA_TENANT_ID unset) and DEMITON_DEV_MODE is not set either, and says
// so. Development mode is never on by default in the application itself (shared/config.ts).
// Uses only Node built-ins.
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
if (args[0] === 'node') args.shift();
const env = { ...process.env };
if (!env.ENTRA_TENANT_ID && !env.DEMITON_DEV_MODE) {
  env.DEMITON_DEV_MODE = 'on';
  console.log(
    'No identity provider configured (ENTRA_TENANT_ID is unset): starting in development mode (DEMITON_DEV_MODE=on), loopback only.',
  );
}
const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
// Ctrl-C reaches both processes (same process group); a signal sent to this one alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
