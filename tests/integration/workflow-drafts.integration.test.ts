/**
 * Versions and change (issue #18), through the API on real PostgreSQL: a draft is saved without
 * affecting runs or schedules, publishing makes it the live version (409 when someone published in
 * between and the caller said which version it expected), an earlier version is rolled back to as
 * a new version, and two versions are compared as a structured diff. Empty projects and digital
 * workers without workflows are deleted. Every change is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestStack, waitFor, type TestStack } from '../helpers/test-platform';

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack();
  url = stack.host.url;
});

afterAll(async () => {
  await stack?.close();
});

const greet = (message: string, extra: Record<string, unknown>[] = []) => ({
  name: 'greeter',
  inputSchema: { type: 'object', properties: { who: { type: 'string' } } },
  tasks: [{ key: 'say', type: 'atomic', connector: 'platform', operation: 'echo', input: { message } }, ...extra],
});

async function runOutput(workflowId: string): Promise<unknown> {
  const id = (await api(url, 'POST', `/api/workflows/${workflowId}/runs`, { input: { who: 'x' } })).body.id;
  const run = await waitFor(async () => {
    const r = (await api(url, 'GET', `/api/runs/${id}`)).body;
    return r.status === 'SUCCEEDED' || r.status === 'FAILED' ? r : null;
  });
  return { version: run.workflowVersion, output: run.output };
}

describe('drafts and publishing', () => {
  let id: string;

  it('saves a draft without affecting runs, and publishes it as the next version', async () => {
    id = (await api(url, 'POST', '/api/workflows', greet('v1'))).body.id;
    expect((await api(url, 'GET', `/api/workflows/${id}/draft`)).body.code).toBe('workflow_draft_not_found');

    const draft = await api(
      url,
      'PUT',
      `/api/workflows/${id}/draft`,
      greet('draft', [{ key: 'more', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: 1 } }]),
    );
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ workflowId: id, basedOnVersion: 1, updatedBy: expect.any(String) });
    expect(Object.keys(draft.body.definition)).toEqual(['name', 'inputSchema', 'tasks']);
    expect((await api(url, 'GET', `/api/workflows/${id}/draft`)).body.definition.tasks).toHaveLength(2);
    // Runs and the workflow itself still show version 1.
    expect((await api(url, 'GET', `/api/workflows/${id}`)).body).toMatchObject({ version: 1, latestVersion: 1 });
    expect(await runOutput(id)).toEqual({ version: 1, output: { message: 'v1' } });

    // An invalid draft is refused like an invalid save, and the saved draft stays.
    const bad = await api(url, 'PUT', `/api/workflows/${id}/draft`, {
      ...greet('x'),
      tasks: [{ key: 'say', type: 'atomic', connector: 'nope', operation: 'echo' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid_definition');

    const published = await api(url, 'POST', `/api/workflows/${id}/publish`, { expectedVersion: 1 });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 2, latestVersion: 2 });
    expect(published.body.definition.tasks.map((t: { key: string }) => t.key)).toEqual(['say', 'more']);
    expect((await api(url, 'GET', `/api/workflows/${id}/draft`)).status).toBe(404);
    expect(await runOutput(id)).toEqual({ version: 2, output: { n: 1 } });
    expect((await api(url, 'POST', `/api/workflows/${id}/publish`, {})).body.code).toBe('workflow_draft_not_found');
  });

  it('answers 409 version_conflict when another version was published after the one expected, and keeps the draft', async () => {
    await api(url, 'PUT', `/api/workflows/${id}/draft`, greet('mine'));
    // Someone else saves (and so publishes) version 3 meanwhile.
    expect((await api(url, 'PUT', `/api/workflows/${id}`, greet('theirs'))).body.version).toBe(3);
    const conflict = await api(url, 'POST', `/api/workflows/${id}/publish`, { expectedVersion: 2 });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body.code).toBe('version_conflict');
    expect(conflict.body.detail).toMatch(/version 3/);
    expect((await api(url, 'GET', `/api/workflows/${id}`)).body.version).toBe(3);
    expect((await api(url, 'GET', `/api/workflows/${id}/draft`)).body).toMatchObject({ basedOnVersion: 2 });
    // Without expectedVersion, or with the right one, it publishes.
    expect((await api(url, 'POST', `/api/workflows/${id}/publish`, { expectedVersion: 3 })).body.version).toBe(4);
    expect((await api(url, 'POST', `/api/workflows/${id}/publish`, { expectedVersion: 'three' })).status).toBe(422);
  });

  it('discards a draft', async () => {
    await api(url, 'PUT', `/api/workflows/${id}/draft`, greet('discard me'));
    expect((await api(url, 'DELETE', `/api/workflows/${id}/draft`)).status).toBe(204);
    expect((await api(url, 'DELETE', `/api/workflows/${id}/draft`)).status).toBe(404);
  });

  it('rolls back to an earlier version as a new version, which runs start', async () => {
    const r = await api(url, 'POST', `/api/workflows/${id}/rollback`, { version: 1, expectedVersion: 4 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 5, latestVersion: 5 });
    expect(r.body.definition.tasks[0].input).toEqual({ message: 'v1' });
    expect(await runOutput(id)).toEqual({ version: 5, output: { message: 'v1' } });
    expect((await api(url, 'POST', `/api/workflows/${id}/rollback`, { version: 2, expectedVersion: 4 })).body.code).toBe(
      'version_conflict',
    );
    expect((await api(url, 'POST', `/api/workflows/${id}/rollback`, { version: 5 })).body.code).toBe('invalid_rollback');
    expect((await api(url, 'POST', `/api/workflows/${id}/rollback`, { version: 9 })).body.code).toBe('workflow_version_not_found');
  });

  it('compares two versions as a structured diff', async () => {
    const d = await api(url, 'GET', `/api/workflows/${id}/versions/1/diff/2`);
    expect(d.status).toBe(200);
    expect(d.body).toEqual({
      workflowId: id,
      from: 1,
      to: 2,
      identical: false,
      fields: [],
      tasks: {
        added: [{ key: 'more', position: 1 }],
        removed: [],
        changed: [{ key: 'say', changes: [{ path: 'input.message', before: 'v1', after: 'draft' }] }],
        order: null,
      },
    });
    expect((await api(url, 'GET', `/api/workflows/${id}/versions/1/diff/5`)).body).toMatchObject({ identical: true });
    expect((await api(url, 'GET', `/api/workflows/${id}/versions/1/diff/42`)).body.code).toBe('workflow_version_not_found');
  });

  it('audits every draft save, publish, discard and rollback', async () => {
    const actions = (await api(url, 'GET', `/api/hq/audit?targetId=${id}&limit=100`)).body.items.map((e: { action: string }) => e.action);
    for (const a of ['workflow.draft.save', 'workflow.draft.discard', 'workflow.publish', 'workflow.rollback'])
      expect(actions).toContain(a);
    const publish = (await api(url, 'GET', `/api/hq/audit?targetId=${id}&action=workflow.publish`)).body.items.at(-1);
    expect(publish.diff).toMatchObject({ version: 2, basedOnVersion: 1 });
  });
});

describe('deleting projects and digital workers', () => {
  it('deletes an empty project, refuses one that holds anything and the default project, and audits it', async () => {
    const empty = (await api(url, 'POST', '/api/projects', { name: 'Scratch' })).body;
    const full = (await api(url, 'POST', '/api/projects', { name: 'Busy' })).body;
    expect((await api(url, 'POST', '/api/workflows', { ...greet('x'), name: 'busy-flow', projectId: full.id })).status).toBe(201);

    expect((await api(url, 'DELETE', `/api/projects/${empty.id}`)).status).toBe(204);
    expect((await api(url, 'GET', `/api/projects/${empty.id}`)).status).toBe(404);
    expect((await api(url, 'DELETE', `/api/projects/${empty.id}`)).body.code).toBe('project_not_found');

    const busy = await api(url, 'DELETE', `/api/projects/${full.id}`);
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'project_not_empty', detail: expect.stringMatching(/workflows/) });
    expect((await api(url, 'GET', `/api/projects/${full.id}`)).status).toBe(200);

    const defaultProject = (await api(url, 'GET', '/api/projects')).body.items.find((p: { isDefault: boolean }) => p.isDefault);
    expect((await api(url, 'DELETE', `/api/projects/${defaultProject.id}`)).body.code).toBe('project_is_default');

    const audit = (await api(url, 'GET', `/api/hq/audit?action=project.delete`)).body.items;
    expect(audit.map((e: { targetId: string }) => e.targetId)).toEqual([empty.id]);
  });

  it('deletes a digital worker that owns no workflows, refuses one that does, and audits it', async () => {
    const w = (await api(url, 'POST', '/api/workers', { name: 'Night shift', owner: 'ops' })).body;
    const wf = (await api(url, 'POST', '/api/workflows', { ...greet('x'), name: 'night-flow' })).body;
    await api(url, 'POST', `/api/workers/${w.id}/workflows`, { workflowId: wf.id });
    const owning = await api(url, 'DELETE', `/api/workers/${w.id}`);
    expect(owning.status).toBe(409);
    expect(owning.body.code).toBe('worker_has_workflows');
    expect((await api(url, 'DELETE', `/api/workers/${w.id}/workflows/${wf.id}`)).status).toBe(200);
    expect((await api(url, 'DELETE', `/api/workers/${w.id}`)).status).toBe(204);
    expect((await api(url, 'GET', `/api/workers/${w.id}`)).status).toBe(404);
    expect((await api(url, 'DELETE', `/api/workers/${w.id}`)).body.code).toBe('worker_not_found');
    expect((await api(url, 'GET', `/api/hq/audit?action=worker.delete`)).body.items.map((e: { targetId: string }) => e.targetId)).toEqual([
      w.id,
    ]);
  });
});
