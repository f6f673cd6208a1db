/** The local host's invocation context behaves as @azure/functions' InvocationContext for what handlers use. */
import { InvocationContext, type LogHandler } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { LocalInvocationContext } from './local-context';

function pair() {
  const calls: Array<{ who: string; self: unknown; level: string; args: unknown[] }> = [];
  const handler = (who: string): LogHandler =>
    function (this: unknown, level, ...args) {
      calls.push({ who, self: this, level, args });
    };
  const real = new InvocationContext({ invocationId: 'inv-1', functionName: 'triggerRun', logHandler: handler('real') });
  const local = new LocalInvocationContext({ invocationId: 'inv-1', functionName: 'triggerRun', logHandler: handler('local') });
  return { real, local, calls };
}

describe('LocalInvocationContext', () => {
  it('has the identity, options and absent trigger data the library gives a context made without them', () => {
    const { real, local } = pair();
    for (const k of ['invocationId', 'functionName', 'retryContext', 'traceContext', 'triggerMetadata'] as const)
      expect(local[k], k).toEqual(real[k]);
    expect(local.options).toEqual(real.options);
  });

  it('keeps extra inputs and outputs by name, whether given a name or a binding', () => {
    const { real, local } = pair();
    for (const c of [real, local]) {
      c.extraInputs.set('blob', 'a');
      c.extraOutputs.set({ name: 'queue', type: 'queue' } as never, 'b');
    }
    for (const c of [real, local]) {
      expect(c.extraInputs.get('blob')).toBe('a');
      expect(c.extraInputs.get({ name: 'blob' } as never)).toBe('a');
      expect(c.extraOutputs.get('queue')).toBe('b');
      expect(c.extraInputs.get('nothing')).toBeUndefined();
    }
  });

  it('logs through the handler at the same levels, with the same arguments and receiver', () => {
    const { real, local, calls } = pair();
    for (const c of [real, local]) {
      c.log('a', 1);
      c.trace('t');
      c.debug('d');
      c.info('i');
      c.warn('w', { x: 1 });
      c.error('e');
    }
    const of = (who: string, c: unknown) =>
      calls.filter((x) => x.who === who).map((x) => ({ level: x.level, args: x.args, self: x.self === c }));
    expect(of('local', local)).toEqual(of('real', real));
    expect(of('local', local).map((x) => x.level)).toEqual(['information', 'trace', 'debug', 'information', 'warning', 'error']);
  });
});
