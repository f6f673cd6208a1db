/**
 * The one route table. `index.ts` registers each entry with `app.http`; the local host serves the
 * very same handlers; the OpenAPI document is generated from it.
 */
import type { Route } from './http-kit';
import * as businessObjects from './handlers/business-objects';
import * as connectors from './handlers/connectors';
import * as hq from './handlers/hq';
import * as modelProvider from './handlers/model-provider';
import * as projects from './handlers/projects';
import { runEvents } from './handlers/run-events';
import * as runs from './handlers/runs';
import * as bulkRuns from './handlers/bulk-runs';
import * as workflowArchive from './handlers/workflow-archive';
import * as schedules from './handlers/schedules';
import * as studio from './handlers/studio';
import * as triggers from './handlers/triggers';
import { mcp } from './handlers/mcp';
import { health, openApiRoute } from './handlers/system';
import { workflowSchema } from './handlers/schemas';
import { hqSystem } from './handlers/system-hq';
import * as workers from './handlers/workers';
import * as workflows from './handlers/workflows';
import * as waits from './handlers/waits';
import * as workflowVersions from './handlers/workflow-versions';
import * as deletions from './handlers/deletions';
import * as testSteps from './handlers/test-steps';

/** Every HTTP route of the control plane (paths are under the `/api` prefix). */
export const routes: readonly Route[] = [
  health,
  openApiRoute(() => routes),
  workflowSchema,
  hq.authConfig,
  hq.me,
  hq.listMembers,
  hq.setMemberRole,
  hq.listRoleMappings,
  hq.putRoleMapping,
  hq.deleteRoleMapping,
  hq.listApiKeys,
  hq.createApiKey,
  hq.revokeApiKey,
  hq.getOrgSettings,
  hq.putOrgSettings,
  hq.listAudit,
  modelProvider.getModelProvider,
  modelProvider.putModelProvider,
  hqSystem,
  workflows.createWorkflow,
  workflows.listWorkflows,
  workflows.getWorkflow,
  workflows.updateWorkflow,
  workflows.listWorkflowVersions,
  // Drafts, publishing, rollback and version diffs; deleting empty projects and workers (issue #18).
  workflowVersions.saveWorkflowDraft,
  workflowVersions.getWorkflowDraft,
  workflowVersions.discardWorkflowDraft,
  workflowVersions.publishWorkflowDraft,
  workflowVersions.rollbackWorkflow,
  workflowVersions.diffWorkflowVersions,
  // Testing one step and the pins kept with the draft (issue #20).
  testSteps.getDraftPins,
  testSteps.putDraftPins,
  testSteps.testWorkflowStep,
  deletions.deleteProject,
  deletions.deleteWorker,
  runs.triggerRun,
  runs.getRun,
  runs.listRuns,
  runs.cancelRun,
  runs.retryRun,
  bulkRuns.bulkRetryRuns,
  bulkRuns.getBulkRetryRuns,
  workflowArchive.archiveWorkflow,
  workflowArchive.restoreWorkflow,
  workflowArchive.deleteWorkflow,
  waits.sendSignal,
  waits.listRunWaits,
  waits.publishEvent,
  waits.listApprovals,
  waits.decideApproval,
  schedules.createSchedule,
  schedules.listSchedules,
  schedules.getSchedule,
  schedules.replaceSchedule,
  schedules.deleteSchedule,
  runEvents,
  projects.listProjects,
  projects.createProject,
  projects.getProject,
  workers.listWorkers,
  workers.createWorker,
  workers.getWorker,
  workers.updateWorker,
  workers.assignWorkerWorkflow,
  workers.unassignWorkerWorkflow,
  workers.getWorkerStats,
  connectors.createConnector,
  connectors.listConnectors,
  connectors.getConnector,
  connectors.updateConnector,
  connectors.deleteConnector,
  connectors.testConnector,
  connectors.listAdapters,
  businessObjects.createBusinessObjectType,
  businessObjects.listBusinessObjectTypes,
  businessObjects.getBusinessObjectType,
  businessObjects.updateBusinessObjectType,
  businessObjects.createBusinessObject,
  businessObjects.listBusinessObjects,
  businessObjects.getBusinessObject,
  businessObjects.putBusinessObject,
  businessObjects.deleteBusinessObject,
  studio.createConversation,
  studio.listConversations,
  studio.getConversation,
  studio.postMessage,
  studio.uploadDocument,
  studio.listDocuments,
  // Before getDocument: the local host tries routes in order and `{id}` would match `search`.
  studio.searchDocuments,
  studio.getDocument,
  studio.deleteDocument,
  mcp,
  // Triggers from outside (issue #17): a workflow's webhooks and Service Bus receivers, and the public hook endpoint.
  triggers.createTrigger,
  triggers.listTriggers,
  triggers.getTrigger,
  triggers.replaceTrigger,
  triggers.deleteTrigger,
  triggers.listTriggerDeliveries,
  triggers.deliverHook,
  triggers.validateHook,
] as Route[];
