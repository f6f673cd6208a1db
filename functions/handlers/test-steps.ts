/** Testing one step from the editor, and the test data pinned per task with a draft (issue #20). */
import { IdParams } from '../../shared/domain/api';
import { DraftPins, DraftPinsBody, TestStepAccepted, TestStepData, TestStepParams } from '../../shared/domain/test-step';
import * as tests from '../../shared/engine/test-step';
import { defineRoute } from '../http-kit';

export const testWorkflowStep = defineRoute({
  name: 'testWorkflowStep',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'workflows/{id}/tasks/{key}/test',
  summary: "Test one atomic task (the draft's, else the latest version's) as a test run that starts nothing else",
  tags: ['runs'],
  role: 'editor',
  params: TestStepParams,
  body: TestStepData,
  optionalBody: true,
  responses: {
    202: {
      description: 'Accepted: the test run is committed and queued',
      schema: TestStepAccepted,
      headers: { Location: 'URL of the run' },
    },
  },
  async handle({ platform, principal, params, body }) {
    const run = await tests.testStep(platform, principal, params.id, params.key, body ?? {});
    return { status: 202, body: run, headers: { Location: `/api/runs/${run.id}` } };
  },
});

export const getDraftPins = defineRoute({
  name: 'getDraftPins',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'workflows/{id}/draft/pins',
  summary: 'Read the test data pinned per task with the draft (404 `workflow_draft_not_found` without a draft)',
  tags: ['workflows'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The pins', schema: DraftPins } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await tests.getPins(platform, principal, params.id) };
  },
});

export const putDraftPins = defineRoute({
  name: 'putDraftPins',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'PUT',
  route: 'workflows/{id}/draft/pins',
  summary: 'Replace the test data pinned per task with the draft; each key must name an atomic task of the draft',
  tags: ['workflows'],
  role: 'editor',
  params: IdParams,
  body: DraftPinsBody,
  responses: { 200: { description: 'The pins', schema: DraftPins } },
  async handle({ platform, principal, params, body }) {
    return { status: 200, body: await tests.putPins(platform, principal, params.id, body.pins) };
  },
});
