/** The editor's comparison with the version shown: tasks added, removed, changed by field, reordered; other fields. */
import { describe, expect, it } from 'vitest';
import { diffDefinitions } from './definition-diff';
import type { WorkflowDefinition } from '../services/api';

const wf = (tasks: object[], extra: object = {}) => ({ name: 'w', tasks, ...extra }) as WorkflowDefinition;
const t = (key: string, extra: object = {}) => ({ key, type: 'atomic', connector: 'platform', operation: 'echo', ...extra });

describe('definition diff', () => {
  it('is identical for the same definition, ignoring projectId', () => {
    expect(diffDefinitions(wf([t('a')], { projectId: 'p' }), wf([t('a')])).identical).toBe(true);
  });

  it('lists added, removed and changed tasks with the fields that changed, and other fields', () => {
    const d = diffDefinitions(wf([t('a'), t('b')]), wf([t('a', { when: 'x', needs: [] }), t('c')], { description: 'now' }));
    expect(d).toEqual({
      fields: ['description'],
      added: ['c'],
      removed: ['b'],
      changed: [{ key: 'a', fields: ['needs', 'when'] }],
      reordered: false,
      identical: false,
    });
  });

  it('notices tasks that only moved', () => {
    const d = diffDefinitions(wf([t('a'), t('b')]), wf([t('b'), t('a')]));
    expect(d.reordered).toBe(true);
    expect(d.identical).toBe(false);
  });
});
