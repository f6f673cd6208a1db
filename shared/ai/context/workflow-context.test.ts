import { describe, expect, it } from 'vitest';
import { describeDefinition } from './workflow-context';

describe('describeDefinition', () => {
  it('renders a plain list as before, and the graph fields of a graph in words', () => {
    const chain = describeDefinition('id', 1, {
      name: 'c',
      tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }],
    });
    expect(chain).toContain('  - a: platform.echo\n');
    const graph = describeDefinition('id', 2, {
      name: 'g',
      onFailure: { workflow: 'alert' },
      tasks: [
        { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', needs: [] },
        { key: 'b', type: 'atomic', connector: 'platform', operation: 'echo', needs: ['a'], when: 'steps.a.ok', onError: 'continue' },
        { key: 'h', type: 'atomic', connector: 'mail', operation: 'sendMail', needs: ['b'], runAfter: 'failure' },
      ],
    });
    expect(graph).toContain('  - a: platform.echo [at the start]');
    expect(graph).toContain('  - b: platform.echo [after a; only when steps.a.ok; continues on error]');
    expect(graph).toContain('  - h: mail.sendMail [after b; runs when a task it needs failed (a failure handler)]');
    expect(graph).toContain('On failure: starts workflow alert');
  });
});
