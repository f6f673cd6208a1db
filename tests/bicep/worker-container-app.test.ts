/**
 * The optional Container Apps worker: KEDA scales it on the very list the queue code pushes to
 * (`{REDIS_PREFIX}:queue`, shared/queue/redis-keys.ts), it runs the worker entry with the same
 * Node arguments, and the Function App stops running its own worker when it is deployed.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisKeyRoot } from '../../shared/queue/redis-keys';

const BICEP = join(resolve(__dirname, '..', '..'), 'bicep');
const read = (f: string) => readFileSync(join(BICEP, f), 'utf8');

describe('worker Container App (KEDA redis list scaler)', () => {
  it('scales on the queue list the code uses, for the deployed prefix', () => {
    const prefix = /REDIS_PREFIX: '([^']+)'/.exec(read('modules/function-app.bicep'))![1]!;
    expect(read('main.bicep')).toContain(`queueListName: '${redisKeyRoot(prefix)}:queue'`);
    const mod = read('modules/worker-container-app.bicep');
    expect(mod).toMatch(/type: 'redis'/);
    expect(mod).toMatch(/listName: queueListName/);
    expect(mod).toMatch(/enableTLS: 'true'/);
  });

  it('runs the worker entry as `npm run worker` does, and turns the Function App worker off', () => {
    const pkg = JSON.parse(readFileSync(join(BICEP, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const mod = read('modules/worker-container-app.bicep');
    const command = /command: \[([^\]]+)\]/
      .exec(mod)![1]!
      .split(',')
      .map((x) => x.trim().replace(/^'|'$/g, ''));
    expect(pkg.scripts['worker']).toContain(command.join(' '));
    expect(read('main.bicep')).toMatch(/workerInFunctionApp: !deployWorkerContainerApp/);
    expect(read('modules/function-app.bicep')).toMatch(/DEMITON_WORKER: workerInFunctionApp \? 'on' : 'off'/);
  });
});
