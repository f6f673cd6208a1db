/**
 * Generated from the control plane's OpenAPI document by `npm run gen:api`. Do not edit:
 * a test fails when this file is stale against functions/routes.ts.
 */

export interface paths {
    "/api/adapters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Adapter catalog: system types, categories, operations with input and output schemas, connection schemas */
        get: operations["listAdapters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Approvals: the ones the caller may decide now (pending), or all of the organisation */
        get: operations["listApprovals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/approvals/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or reject: 403 when the caller may not decide, 409 when already decided or closed */
        post: operations["decideApproval"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How to sign in: tenant, authority, client id and scopes for MSAL, or development mode */
        get: operations["authConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/business-object-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the business object types of a project */
        get: operations["listBusinessObjectTypes"];
        put?: never;
        /** Create a business object type (JSON Schema + key field) */
        post: operations["createBusinessObjectType"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/business-object-types/{type}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a business object type */
        get: operations["getBusinessObjectType"];
        /** Replace a type’s schema (the key field cannot change); records are validated on their next write */
        put: operations["updateBusinessObjectType"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/business-objects/{type}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List records in key order; filter by containment, keyset paging with cursor */
        get: operations["listBusinessObjects"];
        put?: never;
        /** Create a record (409 when its key exists); validated against the type’s schema */
        post: operations["createBusinessObject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/business-objects/{type}/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a record by key */
        get: operations["getBusinessObject"];
        /** Create or replace a record by key (idempotent) */
        put: operations["putBusinessObject"];
        post?: never;
        /** Delete a record by key */
        delete: operations["deleteBusinessObject"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List connectors (without secrets), optionally only those of one adapter type */
        get: operations["listConnectors"];
        put?: never;
        /** Create a connector; secrets are encrypted and never returned */
        post: operations["createConnector"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connectors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a connector (secret names only) */
        get: operations["getConnector"];
        /** Replace a connector’s settings; secrets merge (null removes one, absent keeps it) */
        put: operations["updateConnector"];
        post?: never;
        /** Delete a connector */
        delete: operations["deleteConnector"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connectors/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Connect for real and report the server’s answer or error */
        post: operations["testConnector"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish an event: every run waiting on its name with a matching key resumes */
        post: operations["publishEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health of the database and the queue (no error text; rate limited per client address) */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hooks/{triggerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A webhook delivery. Verified per trigger (HMAC signature, Stripe-style signed timestamp, token, Entra sign-in or clientState) over the raw body; answers Event Grid, Graph and Business Central validation handshakes */
        post: operations["deliverHook"];
        delete?: never;
        /** CloudEvents webhook validation (Event Grid in CloudEvents mode): WebHook-Request-Origin answered with WebHook-Allowed-Origin */
        options: operations["validateHook"];
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API keys of the organisation with their last use (never the keys themselves) */
        get: operations["listApiKeys"];
        put?: never;
        /** Create an API key (shown once; stored hashed), with a role and optionally a list of workflows */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key; its next request is refused */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, newest first: filter by actor, action, target and time; keyset pagination */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** People who signed in to the organisation, with their roles */
        get: operations["listMembers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/members/{tenantId}/{objectId}/role": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Grant a person a role directly (null removes it); nobody grants more than they hold */
        put: operations["setMemberRole"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/model-provider": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organisation's model provider for the assistant, and the deployment default it falls back to (never a key) */
        get: operations["getModelProvider"];
        /** Choose the organisation's model provider; the API key is write-only (omitted: kept, null: removed) */
        put: operations["putModelProvider"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/role-mappings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Entra group → role mappings of the organisation */
        get: operations["listRoleMappings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/role-mappings/{groupId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Map an Entra group (object id) to a role */
        put: operations["putRoleMapping"];
        post?: never;
        /** Remove a group's mapping */
        delete: operations["deleteRoleMapping"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organisation's name, settings and Entra tenants */
        get: operations["getOrgSettings"];
        /** Replace the organisation's name and settings */
        put: operations["putOrgSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hq/system": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Queue depth, oldest pending run, live workers and runs by state */
        get: operations["hqSystem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Model Context Protocol (streamable HTTP, JSON-RPC): read-only tools over projects, workflows, runs and documents */
        post: operations["mcp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller: organisation, actor, role and any workflow limit of an API key */
        get: operations["me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as an OpenAPI 3.1 document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the projects of the organisation (the default first) */
        get: operations["listProjects"];
        put?: never;
        /** Create a project */
        post: operations["createProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a project */
        get: operations["getProject"];
        put?: never;
        post?: never;
        /** Delete an empty project (409 `project_not_empty` while it holds anything, `project_is_default` for the default project) */
        delete: operations["deleteProject"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List runs, newest first (keyset pagination) */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a run with its tasks */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a run: it and its unfinished child and chunk runs become CANCELLED; running tasks are aborted */
        post: operations["cancelRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live run progress as Server-Sent Events: snapshot, then run/task changes (with chunk progress), then end */
        get: operations["runEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rerun a FAILED or CANCELLED run as a new attempt of the same run: from its first unfinished task, or with the latest version, an edited input, from a chosen task */
        post: operations["retryRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/signals/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a signal to a run: it ends the wait for this name, or is kept for the first wait that asks for it */
        post: operations["sendSignal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{id}/waits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What a run's tasks wait (or waited) for: signal, event and key, time, approvers and decisions */
        get: operations["listRunWaits"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Bulk retry: preview how many FAILED or CANCELLED runs a filter selects, then rerun them all as one audited action */
        post: operations["bulkRetryRuns"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/retry/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a bulk retry and its progress */
        get: operations["getBulkRetryRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schemas/workflow.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The JSON Schema of a workflow file (workflows/*.yaml), generated from the schema definitions are validated with */
        get: operations["workflowSchema"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the caller's conversations, most recent first */
        get: operations["listStudioConversations"];
        put?: never;
        /** Start a conversation with the studio assistant */
        post: operations["createStudioConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a conversation with its messages */
        get: operations["getStudioConversation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask a question; the answer streams as Server-Sent Events: delta (StudioDeltaEvent), citation (Citation), suggestion (Suggestion), done (StudioDoneEvent), error (StudioErrorEvent) */
        post: operations["postStudioMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the organisation's documents */
        get: operations["listStudioDocuments"];
        put?: never;
        /** Upload a document (raw body: text/plain, text/markdown, text/html or application/pdf; ?name= the file name); it is extracted, chunked, embedded and indexed */
        post: operations["uploadStudioDocument"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/documents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a document's metadata */
        get: operations["getStudioDocument"];
        put?: never;
        post?: never;
        /** Delete a document: its search entries, chunks and file */
        delete: operations["deleteStudioDocument"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/studio/documents/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the organisation's documents by meaning; returns the nearest chunks */
        get: operations["searchStudioDocuments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List digital workers (optionally of one project) */
        get: operations["listWorkers"];
        put?: never;
        /** Create a digital worker (active) */
        post: operations["createWorker"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a digital worker with the workflows it owns */
        get: operations["getWorker"];
        put?: never;
        post?: never;
        /** Delete a digital worker (409 `worker_has_workflows` while it owns workflows) */
        delete: operations["deleteWorker"];
        options?: never;
        head?: never;
        /** Change a worker; status 'paused' refuses its triggers and stops its schedules */
        patch: operations["updateWorker"];
        trace?: never;
    };
    "/api/workers/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The worker's dashboard: success rate, durations and failures per UTC day */
        get: operations["getWorkerStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/{id}/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make the worker own a workflow of its project */
        post: operations["assignWorkerWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/{id}/workflows/{workflowId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Release a workflow from the worker */
        delete: operations["unassignWorkerWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List workflows with their last run */
        get: operations["listWorkflows"];
        put?: never;
        /** Create a workflow (version 1) */
        post: operations["createWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a workflow (latest version, or ?version=N) */
        get: operations["getWorkflow"];
        /** Save a new version of a workflow; runs keep the version they started with */
        put: operations["updateWorkflow"];
        post?: never;
        /** Delete an archived workflow with its versions, draft, schedules, triggers and runs; the audit log stays (409 `workflow_not_archived` unless archived first, `workflow_has_live_runs` while a run of its trees is PENDING or RUNNING) */
        delete: operations["deleteWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Archive a workflow: runs and versions kept, no new runs (409 `workflow_has_live_runs` while runs are PENDING or RUNNING) */
        post: operations["archiveWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/draft": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the draft of a workflow (404 `workflow_draft_not_found` when it has none) */
        get: operations["getWorkflowDraft"];
        /** Save the draft of a workflow: checked like a save, run by nothing until published */
        put: operations["saveWorkflowDraft"];
        post?: never;
        /** Discard the draft of a workflow */
        delete: operations["discardWorkflowDraft"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/draft/pins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the test data pinned per task with the draft (404 `workflow_draft_not_found` without a draft) */
        get: operations["getDraftPins"];
        /** Replace the test data pinned per task with the draft; each key must name an atomic task of the draft */
        put: operations["putDraftPins"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish the draft as the next version (409 `version_conflict` when `expectedVersion` is no longer the latest) */
        post: operations["publishWorkflowDraft"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore an archived workflow: it can be triggered again and is listed again */
        post: operations["restoreWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish an earlier version again, as the next version (409 `version_conflict` when `expectedVersion` is no longer the latest) */
        post: operations["rollbackWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Trigger a run: commits the run and all task rows, then enqueues it */
        post: operations["triggerRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the schedules of a workflow */
        get: operations["listSchedules"];
        put?: never;
        /** Create a schedule: a cron expression in a time zone, with the input of the runs it starts */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/schedules/{scheduleId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a schedule */
        get: operations["getSchedule"];
        /** Replace a schedule; its next fire time is computed afresh */
        put: operations["replaceSchedule"];
        post?: never;
        /** Delete a schedule; the runs it started stay */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/tasks/{key}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Test one atomic task (the draft's, else the latest version's) as a test run that starts nothing else */
        post: operations["testWorkflowStep"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/triggers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the triggers of a workflow */
        get: operations["listTriggers"];
        put?: never;
        /** Create a trigger: a webhook (public URL with a verification) or a Service Bus queue or subscription the worker receives from */
        post: operations["createTrigger"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/triggers/{triggerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a trigger, with its count of failed verifications */
        get: operations["getTrigger"];
        /** Replace a trigger; a new secret rotates it, the previous one staying valid for secretOverlapSeconds (without one, the secret is kept) */
        put: operations["replaceTrigger"];
        post?: never;
        /** Delete a trigger: its URL answers 404 and its receiver stops; the runs it started stay */
        delete: operations["deleteTrigger"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/triggers/{triggerId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest deliveries of a trigger: outcome, status, the run each started, why one was refused */
        get: operations["listTriggerDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the versions of a workflow, newest first */
        get: operations["listWorkflowVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/versions/{a}/diff/{b}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What changed from version a to version b: definition fields, and tasks added, removed, changed or moved */
        get: operations["diffWorkflowVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AdapterCatalog: {
            items: {
                category: string;
                /** @description JSON Schema of `settings` and `secrets` for the studio’s forms. */
                connectionSchema: {
                    [key: string]: components["schemas"]["JsonValue"];
                } | null;
                connectionTypes: string[];
                /** @description True when the factory can infer this system type from connector settings. */
                inferable: boolean;
                operations: {
                    description: string;
                    /** @description JSON Schema (2020-12) of the operation's input, from the schema the adapter validates it with. */
                    inputSchema: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @enum {string} */
                    kind: "call" | "generator";
                    name: string;
                    /** @description JSON Schema (2020-12) of what a call returns, or of each record a generator yields (`steps.<key>` in expressions). Every built-in operation has one; null only for an operation declared without. */
                    outputSchema: {
                        [key: string]: components["schemas"]["JsonValue"];
                    } | null;
                }[];
                systemType: string;
            }[];
        };
        ApiKeyCreated: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            expiresAt: string | null;
            /** Format: uuid */
            id: string;
            /** @description The key itself. Shown this once; only its hash is stored. */
            key: string;
            lastUsedAt: string | null;
            name: string;
            /** @description The first characters of the key, to recognise it. */
            prefix: string;
            revokedAt: string | null;
            /** @enum {string} */
            role: "viewer" | "operator" | "editor" | "admin";
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            /** @description null: every workflow of the organisation. */
            workflowIds: string[] | null;
        };
        ApiKeyList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                createdBy: string;
                expiresAt: string | null;
                /** Format: uuid */
                id: string;
                lastUsedAt: string | null;
                name: string;
                /** @description The first characters of the key, to recognise it. */
                prefix: string;
                revokedAt: string | null;
                /** @enum {string} */
                role: "viewer" | "operator" | "editor" | "admin";
                /** @enum {string} */
                status: "active" | "revoked" | "expired";
                /** @description null: every workflow of the organisation. */
                workflowIds: string[] | null;
            }[];
        };
        ApiKeyView: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            expiresAt: string | null;
            /** Format: uuid */
            id: string;
            lastUsedAt: string | null;
            name: string;
            /** @description The first characters of the key, to recognise it. */
            prefix: string;
            revokedAt: string | null;
            /** @enum {string} */
            role: "viewer" | "operator" | "editor" | "admin";
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            /** @description null: every workflow of the organisation. */
            workflowIds: string[] | null;
        };
        ApprovalList: {
            items: {
                approvals: number;
                approvers: {
                    groups?: string[];
                    roles?: string[];
                    users?: string[];
                };
                /** @description Whether the caller may decide it now. */
                canDecide: boolean;
                /** Format: date-time */
                createdAt: string;
                decisions: {
                    actorId: string;
                    comment: string | null;
                    /** Format: date-time */
                    decidedAt: string;
                    /** @enum {string} */
                    decision: "approve" | "reject";
                    displayName: string | null;
                }[];
                details: components["schemas"]["JsonValue"];
                dueAt: string | null;
                /** Format: uuid */
                id: string;
                /** @description Why the caller may not decide, when not. */
                reason: string | null;
                requester: string | null;
                required: number;
                /** Format: uuid */
                runId: string;
                /** @enum {string} */
                status: "waiting" | "resumed" | "timed_out" | "rejected" | "cancelled";
                taskKey: string;
                title: string;
            }[];
        };
        /** @description An approval task waiting for (or past) its decisions. */
        ApprovalView: {
            approvals: number;
            approvers: {
                groups?: string[];
                roles?: string[];
                users?: string[];
            };
            /** @description Whether the caller may decide it now. */
            canDecide: boolean;
            /** Format: date-time */
            createdAt: string;
            decisions: {
                actorId: string;
                comment: string | null;
                /** Format: date-time */
                decidedAt: string;
                /** @enum {string} */
                decision: "approve" | "reject";
                displayName: string | null;
            }[];
            details: components["schemas"]["JsonValue"];
            dueAt: string | null;
            /** Format: uuid */
            id: string;
            /** @description Why the caller may not decide, when not. */
            reason: string | null;
            requester: string | null;
            required: number;
            /** Format: uuid */
            runId: string;
            /** @enum {string} */
            status: "waiting" | "resumed" | "timed_out" | "rejected" | "cancelled";
            taskKey: string;
            title: string;
        };
        AuditList: {
            items: {
                action: string;
                actor: {
                    id: string;
                    /** @enum {string} */
                    type: "user" | "apikey" | "system";
                };
                /** Format: date-time */
                at: string;
                diff: components["schemas"]["JsonValue"] | null;
                id: string;
                source: string | null;
                targetId: string | null;
                targetType: string;
            }[];
            nextCursor: string | null;
        };
        /** @description What a client needs to sign in. */
        AuthConfig: {
            /** @description MSAL authority for the studio: {host}/{first tenant}. */
            authority: string | null;
            /** @description The studio's (single-page app) client id; null when not configured. */
            clientId: string | null;
            /** @description True when no identity provider is configured: every request is the built-in owner (loopback only). */
            devMode: boolean;
            knownAuthorities: string[];
            /** @description Scopes the studio requests for this API. */
            scopes: string[];
            tenants: string[];
        };
        /** @description Preview, then start, a bulk retry. */
        BulkRetryBody: {
            /** @description Required to start: the count the preview answered. 409 `bulk_preview_stale` when the filter now selects another number. */
            expectedCount?: number;
            /** @description Which top-level runs a bulk retry selects (child runs rerun with their parent). */
            filter: {
                /**
                 * Format: date-time
                 * @description Runs created at or after this instant.
                 */
                createdAfter?: string;
                /**
                 * Format: date-time
                 * @description Runs created strictly before this instant.
                 */
                createdBefore?: string;
                /** @description The run error's `code`. */
                errorCode?: string;
                /** @description Run statuses to select; default ['FAILED']. */
                status?: ("FAILED" | "CANCELLED")[];
                /** Format: uuid */
                workflowId?: string;
            };
            /** @description The rerun options applied to each run (no edited input in bulk). */
            options?: {
                /** @description Run again from this task: it and every task that needs it run again; the outputs of the tasks it needs come from the last attempt. */
                fromTask?: string;
                /**
                 * @description 'same' reruns the run's own workflow version; 'latest' the latest published version (replay after a fix).
                 * @default same
                 * @enum {string}
                 */
                version: "same" | "latest";
            };
            /**
             * @description true: only count the runs the filter selects (200 BulkRetryPreview); nothing changes.
             * @default false
             */
            preview: boolean;
        };
        BulkRetryPreview: {
            /** @description The most runs one bulk retry may select. */
            limit: number;
            /** @description Runs the filter selects now (at most `limit`). */
            matched: number;
            /** @description The filter selects more than `limit` runs: starting is refused (422 `bulk_too_large`). */
            overLimit: boolean;
        };
        /** @description A bulk retry and its progress. */
        BulkRunAction: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** @description Runs handled so far (retried or skipped). */
            done: number;
            error: components["schemas"]["JsonValue"] | null;
            filter: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            finishedAt: string | null;
            /** Format: uuid */
            id: string;
            /** @constant */
            kind: "retry";
            options: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            retried: number;
            /** @description Runs no longer retryable when their turn came (retried meanwhile, or refused by the options). */
            skipped: number;
            /** @enum {string} */
            status: "RUNNING" | "SUCCEEDED" | "FAILED";
            /** @description Runs selected when the action started. */
            total: number;
        };
        BusinessObjectList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                data: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                key: string;
                /** Format: date-time */
                updatedAt: string;
                /** @description Starts at 1; grows by one on every write that changes the data. */
                version: number;
            }[];
            nextCursor: string | null;
        };
        BusinessObjectTypeBody: {
            description?: string;
            /** @description The top-level property whose value (string or integer) identifies a record. */
            keyField: string;
            /** @description Type name, unique in the project; used in record URLs. */
            name: string;
            /**
             * Format: uuid
             * @description Defaults to the organisation’s default project.
             */
            projectId?: string;
            /** @description JSON Schema (draft 2020-12) every record must match. */
            schema: {
                [key: string]: components["schemas"]["JsonValue"];
            };
        };
        BusinessObjectTypeList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                description: string | null;
                /** Format: uuid */
                id: string;
                keyField: string;
                name: string;
                /** Format: uuid */
                projectId: string;
                schema: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /** Format: date-time */
                updatedAt: string;
            }[];
        };
        BusinessObjectTypeView: {
            /** Format: date-time */
            createdAt: string;
            description: string | null;
            /** Format: uuid */
            id: string;
            keyField: string;
            name: string;
            /** Format: uuid */
            projectId: string;
            schema: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** Format: date-time */
            updatedAt: string;
        };
        BusinessObjectView: {
            /** Format: date-time */
            createdAt: string;
            data: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            key: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Starts at 1; grows by one on every write that changes the data. */
            version: number;
        };
        /** @description The outcome of a cancellation. */
        CancelRunResult: {
            /** @description Runs cancelled: the run itself and its unfinished children and chunk runs. */
            cancelledRuns: number;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
        };
        Citation: {
            chunk?: {
                /** Format: uuid */
                documentId: string;
                /** Format: uuid */
                id: string;
                position: number;
            };
            excerpt: string;
            marker: number;
            source: {
                id: string;
                label: string;
                /** @enum {string} */
                type: "document" | "project" | "workflow" | "run" | "worker" | "connector";
            };
        };
        ConnectorBody: {
            /** @description Generic protocol (`sql`, `sftp`, `smtp`, `http`…), used when no system type matches. */
            connectionType?: string;
            /** @description Name used by workflow tasks (`connector`), unique in the project. */
            name: string;
            /**
             * Format: uuid
             * @description Defaults to the organisation’s default project.
             */
            projectId?: string;
            /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. On update, a name with null removes that secret, absent names are kept. */
            secrets?: {
                [key: string]: string | null;
            };
            /**
             * @description Connection settings (host, port, url, database…); see GET /api/adapters for each system type’s schema. Never put secrets here.
             * @default {}
             */
            settings: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description Exact system type, e.g. `postgres`, `business-central`. */
            systemType?: string;
        };
        ConnectorList: {
            items: {
                connectionType: string | null;
                /** Format: date-time */
                createdAt: string;
                /** Format: uuid */
                id: string;
                name: string;
                /** Format: uuid */
                projectId: string;
                /** @description The adapter the factory resolves this connector to (null when none does). */
                resolvedSystemType: string | null;
                /** @description Names of the secrets that are set; their values are never returned. */
                secretNames: string[];
                settings: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                systemType: string | null;
                /** Format: date-time */
                updatedAt: string;
            }[];
        };
        ConnectorTestResult: {
            /** @description What the server said on success (version, greeting…). */
            detail?: string;
            /** @description The error the server (or the network policy) gave. */
            error?: {
                code: string;
                message: string;
            };
            ok: boolean;
            systemType: string | null;
        };
        ConnectorUpdateBody: {
            /** @description Generic protocol (`sql`, `sftp`, `smtp`, `http`…), used when no system type matches. */
            connectionType?: string;
            /** @description Name used by workflow tasks (`connector`), unique in the project. */
            name: string;
            /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. On update, a name with null removes that secret, absent names are kept. */
            secrets?: {
                [key: string]: string | null;
            };
            /**
             * @description Connection settings (host, port, url, database…); see GET /api/adapters for each system type’s schema. Never put secrets here.
             * @default {}
             */
            settings: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description Exact system type, e.g. `postgres`, `business-central`. */
            systemType?: string;
        };
        ConnectorView: {
            connectionType: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            name: string;
            /** Format: uuid */
            projectId: string;
            /** @description The adapter the factory resolves this connector to (null when none does). */
            resolvedSystemType: string | null;
            /** @description Names of the secrets that are set; their values are never returned. */
            secretNames: string[];
            settings: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            systemType: string | null;
            /** Format: date-time */
            updatedAt: string;
        };
        ConversationDetail: {
            /** Format: date-time */
            createdAt: string;
            /** @description What the conversation is about: a project, workflow, run or digital worker. */
            focus: {
                /** Format: uuid */
                projectId?: string;
                /** Format: uuid */
                runId?: string;
                /** Format: uuid */
                workerId?: string;
                /** Format: uuid */
                workflowId?: string;
            };
            /** Format: uuid */
            id: string;
            messages: {
                citations: {
                    chunk?: {
                        /** Format: uuid */
                        documentId: string;
                        /** Format: uuid */
                        id: string;
                        position: number;
                    };
                    excerpt: string;
                    marker: number;
                    source: {
                        id: string;
                        label: string;
                        /** @enum {string} */
                        type: "document" | "project" | "workflow" | "run" | "worker" | "connector";
                    };
                }[];
                content: string;
                /** Format: date-time */
                createdAt: string;
                id: string;
                /** @enum {string} */
                role: "user" | "assistant";
                suggestions: {
                    input: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    rationale: string;
                    /** Format: uuid */
                    workflowId: string;
                    workflowName: string;
                }[];
            }[];
            title: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ConversationList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                /** @description What the conversation is about: a project, workflow, run or digital worker. */
                focus: {
                    /** Format: uuid */
                    projectId?: string;
                    /** Format: uuid */
                    runId?: string;
                    /** Format: uuid */
                    workerId?: string;
                    /** Format: uuid */
                    workflowId?: string;
                };
                /** Format: uuid */
                id: string;
                title: string;
                /** Format: date-time */
                updatedAt: string;
            }[];
        };
        ConversationView: {
            /** Format: date-time */
            createdAt: string;
            /** @description What the conversation is about: a project, workflow, run or digital worker. */
            focus: {
                /** Format: uuid */
                projectId?: string;
                /** Format: uuid */
                runId?: string;
                /** Format: uuid */
                workerId?: string;
                /** Format: uuid */
                workflowId?: string;
            };
            /** Format: uuid */
            id: string;
            title: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CreateConversationBody: {
            /**
             * @description What the conversation is about: a project, workflow, run or digital worker.
             * @default {}
             */
            focus: {
                /** Format: uuid */
                projectId?: string;
                /** Format: uuid */
                runId?: string;
                /** Format: uuid */
                workerId?: string;
                /** Format: uuid */
                workflowId?: string;
            };
            title?: string;
        };
        DecisionBody: {
            comment?: string;
            /** @enum {string} */
            decision: "approve" | "reject";
        };
        DocumentHit: {
            /** Format: uuid */
            chunkId: string;
            content: string;
            /** Format: uuid */
            documentId: string;
            documentName: string;
            position: number;
            score: number;
        };
        DocumentHitList: {
            items: {
                /** Format: uuid */
                chunkId: string;
                content: string;
                /** Format: uuid */
                documentId: string;
                documentName: string;
                position: number;
                score: number;
            }[];
        };
        DocumentList: {
            items: {
                chunkCount: number;
                contentType: string;
                /** Format: date-time */
                createdAt: string;
                embedder: string;
                /** Format: uuid */
                id: string;
                name: string;
                sizeBytes: number;
            }[];
        };
        DocumentView: {
            chunkCount: number;
            contentType: string;
            /** Format: date-time */
            createdAt: string;
            embedder: string;
            /** Format: uuid */
            id: string;
            name: string;
            sizeBytes: number;
        };
        /** @description Test data pinned per task, kept with the draft; a draft save drops the pins of tasks it no longer has. */
        DraftPins: {
            /** @description Test data per task key. */
            pins: {
                [key: string]: {
                    /**
                     * Format: uuid
                     * @description A run of this workflow to take the data from: its input as `input` and its tasks' outputs as `steps` (given `input` or `steps` entries win).
                     */
                    fromRunId?: string;
                    /** @description The run input the task mapping reads as `input.*` (default {}). */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description The operation's input as given: the task's input mapping is skipped. Exclusive with `input`, `steps` and `fromRunId`. */
                    operationInput?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Outputs of earlier steps the task mapping reads as `steps.<key>` (default {}), e.g. copied from a previous run. */
                    steps?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                };
            };
        };
        DraftPinsBody: {
            /** @description Test data per task key; replaces all pins. */
            pins: {
                [key: string]: {
                    /**
                     * Format: uuid
                     * @description A run of this workflow to take the data from: its input as `input` and its tasks' outputs as `steps` (given `input` or `steps` entries win).
                     */
                    fromRunId?: string;
                    /** @description The run input the task mapping reads as `input.*` (default {}). */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description The operation's input as given: the task's input mapping is skipped. Exclusive with `input`, `steps` and `fromRunId`. */
                    operationInput?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Outputs of earlier steps the task mapping reads as `steps.<key>` (default {}), e.g. copied from a previous run. */
                    steps?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                };
            };
        };
        /** @description An event: every run waiting on this name and key resumes with the payload. */
        EventBody: {
            /** @description Runs whose wait `match` gave this key resume. */
            key: string;
            name: string;
            payload?: components["schemas"]["JsonValue"];
        };
        EventResult: {
            /** @description Waits this event ended. */
            resumed: number;
        };
        Health: {
            checks: {
                /** @description Why a dependency is down is logged, never answered. */
                database: {
                    backend: string;
                    latencyMs: number;
                    /** @enum {string} */
                    status: "ok" | "down";
                };
                /** @description Why a dependency is down is logged, never answered. */
                queue: {
                    backend: string;
                    latencyMs: number;
                    /** @enum {string} */
                    status: "ok" | "down";
                };
            };
            /** @enum {string} */
            status: "ok" | "degraded";
        };
        HookAccepted: {
            /** @description Events the filter dropped. */
            filtered: number;
            /**
             * Format: uuid
             * @description The run started, when the delivery held one event.
             */
            id?: string;
            /** @description One per event that passed the filter; `replayed` when the delivery id named a run already started. */
            runs: {
                /** Format: uuid */
                id: string;
                replayed: boolean;
                status: string;
            }[];
            status?: string;
        };
        JsonValue: string | number | boolean | null | components["schemas"]["JsonValue"][] | {
            [key: string]: components["schemas"]["JsonValue"];
        };
        Me: {
            actor: {
                id: string;
                /** @enum {string} */
                type: "user" | "apikey" | "system";
            };
            devMode: boolean;
            /** Format: uuid */
            orgId: string;
            orgName: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "editor" | "admin" | "owner";
            workflowScope: string[] | null;
        };
        MemberList: {
            items: {
                displayName: string | null;
                /** @description The role their last sign-in resolved to. */
                effectiveRole: ("viewer" | "operator" | "editor" | "admin" | "owner") | null;
                /** Format: date-time */
                firstSeenAt: string;
                /** Format: date-time */
                lastSeenAt: string;
                /** Format: uuid */
                objectId: string;
                /** @description A role granted directly (on top of groups and app roles). */
                role: ("viewer" | "operator" | "editor" | "admin" | "owner") | null;
                /** Format: uuid */
                tenantId: string;
                /** @description For display only; people are identified by tenantId + objectId. */
                username: string | null;
            }[];
        };
        MessageView: {
            citations: {
                chunk?: {
                    /** Format: uuid */
                    documentId: string;
                    /** Format: uuid */
                    id: string;
                    position: number;
                };
                excerpt: string;
                marker: number;
                source: {
                    id: string;
                    label: string;
                    /** @enum {string} */
                    type: "document" | "project" | "workflow" | "run" | "worker" | "connector";
                };
            }[];
            content: string;
            /** Format: date-time */
            createdAt: string;
            id: string;
            /** @enum {string} */
            role: "user" | "assistant";
            suggestions: {
                input: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                rationale: string;
                /** Format: uuid */
                workflowId: string;
                workflowName: string;
            }[];
        };
        ModelProviderView: {
            /** @description Whether a key is stored. The key itself is never returned. */
            apiKeySet: boolean;
            apiVersion: string | null;
            /** @description anthropic / openai-compatible: the base URL. */
            baseUrl: string | null;
            deployment: string | null;
            /** @description azure-openai: the resource endpoint. */
            endpoint: string | null;
            maxOutputTokens: number | null;
            model: string | null;
            platformDefault: {
                /** @description Host of the base URL or endpoint; null for the provider default. */
                baseUrlHost: string | null;
                /** @description LLM_MAX_OUTPUT_TOKENS: the limit of the default model, and of an organisation's own model that sets none. */
                maxOutputTokens: number;
                /** @description The model, or the Azure OpenAI deployment. */
                model: string | null;
                /** @enum {string} */
                provider: "none" | "azure-openai" | "anthropic" | "openai-compatible";
            };
            /** @enum {string} */
            provider: "platform-default" | "none" | "azure-openai" | "anthropic" | "openai-compatible";
            updatedAt: string | null;
            updatedBy: string | null;
        };
        OrgSettingsView: {
            /**
             * @description New keys must expire within this many days.
             * @default null
             */
            apiKeyMaxLifetimeDays: number | null;
            /**
             * @description False refuses every API key of the organisation.
             * @default true
             */
            apiKeysEnabled: boolean;
            /**
             * @description False refuses API keys creating API keys, role mappings and member roles (403 api_key_grants_disabled); what keys do grant is audited with a `.by_api_key` action.
             * @default true
             */
            apiKeysMayGrantAccess: boolean;
            /**
             * @description Language-model tokens (input + output) workflow tasks may spend per UTC calendar month; calls past it fail with model_budget_exceeded. Null: no limit.
             * @default null
             */
            modelTokenBudgetMonthly: number | null;
            name: string;
            /**
             * @description Finished runs (SUCCEEDED, FAILED, CANCELLED) that ended more than this many days ago are deleted with their tasks, chunks and waits by the hourly purge; audit entries are kept. Null: runs are kept forever.
             * @default null
             */
            runRetentionDays: number | null;
            tenants: string[];
            updatedAt: string | null;
            updatedBy: string | null;
        };
        PostMessageBody: {
            content: string;
            /** @description What the conversation is about: a project, workflow, run or digital worker. */
            focus?: {
                /** Format: uuid */
                projectId?: string;
                /** Format: uuid */
                runId?: string;
                /** Format: uuid */
                workerId?: string;
                /** Format: uuid */
                workflowId?: string;
            };
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @description Stable machine-readable error code. */
            code: string;
            detail?: string;
            errors?: {
                message: string;
                path: string;
            }[];
            instance?: string;
            status: number;
            title: string;
            type: string;
        };
        ProjectList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                description: string | null;
                /** Format: uuid */
                id: string;
                isDefault: boolean;
                name: string;
                workerCount: number;
                workflowCount: number;
            }[];
        };
        ProjectView: {
            /** Format: date-time */
            createdAt: string;
            description: string | null;
            /** Format: uuid */
            id: string;
            isDefault: boolean;
            name: string;
            workerCount: number;
            workflowCount: number;
        };
        /** @description Publish the draft as the next version. */
        PublishDraftBody: {
            /** @description The version the caller believes is the latest; 409 `version_conflict` when another was published since. */
            expectedVersion?: number;
        };
        /** @description The organisation's model provider. The key is write-only; a key stays bound to the provider and origin it was entered for. */
        PutModelProviderBody: {
            /**
             * @description Use the deployment's configuration (LLM_PROVIDER and friends). Removes any stored key.
             * @constant
             */
            provider: "platform-default";
        } | {
            /**
             * @description No language model for this organisation: answers quote the retrieved passages. Removes any stored key.
             * @constant
             */
            provider: "none";
        } | {
            /** @description Write-only. Omitted: keep the stored key. null: remove it. A string: replace it. Never returned. */
            apiKey?: string | null;
            /** @default 2024-10-21 */
            apiVersion: string;
            deployment: string;
            /** @description The Azure OpenAI resource, e.g. https://contoso.openai.azure.com */
            endpoint: string;
            /** @description Longest answer in tokens; null or omitted: the deployment's LLM_MAX_OUTPUT_TOKENS. */
            maxOutputTokens?: number | null;
            /** @constant */
            provider: "azure-openai";
        } | {
            /** @description Write-only. Omitted: keep the stored key. null: remove it. A string: replace it. Never returned. */
            apiKey?: string | null;
            /** @description Omitted or null: the Anthropic API. */
            baseUrl?: string | null;
            /** @description Longest answer in tokens; null or omitted: the deployment's LLM_MAX_OUTPUT_TOKENS. */
            maxOutputTokens?: number | null;
            model: string;
            /** @constant */
            provider: "anthropic";
        } | {
            /** @description Write-only. Omitted: keep the stored key. null: remove it. A string: replace it. Never returned. */
            apiKey?: string | null;
            /** @description Base URL of the OpenAI-compatible API, e.g. https://llm.example.com/v1 */
            baseUrl: string;
            /** @description Longest answer in tokens; null or omitted: the deployment's LLM_MAX_OUTPUT_TOKENS. */
            maxOutputTokens?: number | null;
            model: string;
            /** @constant */
            provider: "openai-compatible";
        };
        /** @description Options of a rerun. All omitted: rerun from the first task that did not succeed, same version and input. */
        RetryRunBody: {
            /** @description Run again from this task: it and every task that needs it run again; the outputs of the tasks it needs come from the last attempt. */
            fromTask?: string;
            /** @description An edited input, checked against the input schema of the version the rerun uses. Omitted: the run keeps its input. */
            input?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /**
             * @description 'same' reruns the run's own workflow version; 'latest' the latest published version (replay after a fix).
             * @default same
             * @enum {string}
             */
            version: "same" | "latest";
        };
        /** @description A rerun: tasks whose outputs are kept are not executed again; the others run as the next attempt of the same run. */
        RetryRunResult: {
            /** @description The attempt now queued (1 is the first execution). */
            attempt: number;
            fromTask?: string | null;
            /**
             * Format: uuid
             * @description The same run: a rerun is a new attempt of it.
             */
            id: string;
            inputEdited?: boolean;
            /** @description Tasks that run again under a new idempotency key (their definition or the input changed; docs/reliability.md). */
            renewedTasks?: string[];
            /** @enum {string} */
            status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
            /** @description The workflow version the attempt runs. */
            workflowVersion?: number;
        };
        RoleMappingList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                createdBy: string;
                description: string | null;
                /** Format: uuid */
                groupId: string;
                /** @enum {string} */
                role: "viewer" | "operator" | "editor" | "admin" | "owner";
            }[];
        };
        RoleMappingView: {
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            description: string | null;
            /** Format: uuid */
            groupId: string;
            /** @enum {string} */
            role: "viewer" | "operator" | "editor" | "admin" | "owner";
        };
        /** @description Publish an earlier version again, as the next version. */
        RollbackBody: {
            /** @description The version the caller believes is the latest; 409 `version_conflict` when another was published since. */
            expectedVersion?: number;
            /** @description The earlier version to publish again. */
            version: number;
        };
        RunAccepted: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
        };
        RunList: {
            items: {
                /** @description Execution attempt of the run: 1, plus one per rerun from failure. */
                attempt?: number;
                /** @description When the current attempt started: equals `startedAt` for the first attempt, later after a rerun; null while the attempt waits for a worker. `startedAt` stays the first attempt's start (the total). */
                attemptStartedAt: string | null;
                /** Format: date-time */
                createdAt: string;
                error: {
                    code: string;
                    message: string;
                    retryable: boolean;
                    taskKey?: string;
                } | null;
                finishedAt: string | null;
                /** Format: uuid */
                id: string;
                /** @description The run whose failure started this one (its workflow's onFailure). */
                onFailureOf?: string | null;
                parentRunId: string | null;
                startedAt: string | null;
                /** @enum {string} */
                status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                /**
                 * @description What started the run; 'test' marks a test of one step from the editor (it starts nothing else).
                 * @enum {string}
                 */
                trigger: "http" | "schedule" | "workflow" | "chunk" | "event" | "test";
                /** Format: uuid */
                workflowId: string;
                workflowName: string;
                workflowVersion: number;
            }[];
            nextCursor: string | null;
        };
        RunView: {
            /** @description Execution attempt of the run: 1, plus one per rerun from failure. */
            attempt?: number;
            /** @description When the current attempt started: equals `startedAt` for the first attempt, later after a rerun; null while the attempt waits for a worker. `startedAt` stays the first attempt's start (the total). */
            attemptStartedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            error: {
                code: string;
                message: string;
                retryable: boolean;
                taskKey?: string;
            } | null;
            finishedAt: string | null;
            /** Format: uuid */
            id: string;
            input: components["schemas"]["JsonValue"];
            /** @description The run's language-model tokens: the sum over its tasks (absent in lists). */
            modelUsage?: {
                calls: number;
                inputTokens: number;
                outputTokens: number;
            };
            /** @description The run whose failure started this one (its workflow's onFailure). */
            onFailureOf?: string | null;
            output: components["schemas"]["JsonValue"] | null;
            parentRunId: string | null;
            /** @description The reruns of this run, oldest first (absent in lists). */
            retries?: {
                attempt: number;
                /** @description The bulk retry this rerun was part of. */
                bulkActionId: string | null;
                fromTask: string | null;
                inputEdited: boolean;
                /** @description The version the attempt before it ran. */
                previousVersion: number;
                /** @description Tasks that ran again under a new idempotency key. */
                renewedTasks: string[];
                /** Format: date-time */
                requestedAt: string;
                /** @description `type:id` of the actor. */
                requestedBy: string;
                /** @description The version this attempt runs. */
                workflowVersion: number;
            }[];
            startedAt: string | null;
            /** @enum {string} */
            status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
            tasks: {
                /** @description Failed attempts of this task, oldest first. */
                attemptLog?: {
                    attempt: number;
                    error: {
                        code: string;
                        message: string;
                        retryable: boolean;
                        taskKey?: string;
                    } | null;
                    finishedAt: string | null;
                    startedAt: string | null;
                }[];
                attempts: number;
                childRunId: string | null;
                chunks?: {
                    failed: number;
                    running: number;
                    succeeded: number;
                    total: number;
                };
                error: {
                    code: string;
                    message: string;
                    retryable: boolean;
                    taskKey?: string;
                } | null;
                finishedAt: string | null;
                /** @description On a FAILED task: true when the failure is handled (onError: continue, or a runAfter: failure task that needs it succeeded). */
                handled?: boolean;
                key: string;
                /** @description Language-model tokens this task spent (model connector calls, retries included). */
                modelUsage?: {
                    calls: number;
                    inputTokens: number;
                    outputTokens: number;
                };
                /** @description The tasks this one waits for (resolved: an omitted `needs` is the task before it). */
                needs?: string[];
                /** @enum {string} */
                onError?: "fail" | "continue";
                output: components["schemas"]["JsonValue"] | null;
                /**
                 * @description When it runs once its needs ended; 'failure' marks a failure handler, 'always' a finally.
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                startedAt: string | null;
                /** @enum {string} */
                status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "SKIPPED" | "CANCELLED";
                /** @enum {string} */
                type: "atomic" | "workflow" | "chunked" | "wait" | "approval";
            }[];
            /**
             * @description What started the run; 'test' marks a test of one step from the editor (it starts nothing else).
             * @enum {string}
             */
            trigger: "http" | "schedule" | "workflow" | "chunk" | "event" | "test";
            /** @description For a PENDING run, or a RUNNING run whose worker stopped renewing its lease: why it waits (absent in lists). */
            waiting?: {
                /** @description connector_limit: the connector whose `maxInFlight` is full (the run is RUNNING, its task's call waits). */
                connector?: string;
                /** @description concurrency_limit, connector_limit: the runs holding the slots it needs. */
                heldBy?: string[];
                leaseExpiresAt?: string | null;
                /** @description worker_lost: the worker that held the run. */
                leaseOwner?: string | null;
                limit?: number;
                /** @description The explanation as one sentence, for people. */
                message: string;
                /** @description queued: 1 + the PENDING runs of the organisation created before it. */
                queuePosition?: number;
                /** @enum {string} */
                reason: "queued" | "concurrency_limit" | "connector_limit" | "inside_parent" | "worker_lost";
                /** @description connector_limit: the task whose call waits. */
                task?: string;
            } | null;
            /** Format: uuid */
            workflowId: string;
            workflowName: string;
            workflowVersion: number;
        };
        RunWaitList: {
            items: {
                approval: {
                    approvals: number;
                    approvers: {
                        groups?: string[];
                        roles?: string[];
                        users?: string[];
                    };
                    /** @description Whether the caller may decide it now. */
                    canDecide: boolean;
                    /** Format: date-time */
                    createdAt: string;
                    decisions: {
                        actorId: string;
                        comment: string | null;
                        /** Format: date-time */
                        decidedAt: string;
                        /** @enum {string} */
                        decision: "approve" | "reject";
                        displayName: string | null;
                    }[];
                    details: components["schemas"]["JsonValue"];
                    dueAt: string | null;
                    /** Format: uuid */
                    id: string;
                    /** @description Why the caller may not decide, when not. */
                    reason: string | null;
                    requester: string | null;
                    required: number;
                    /** Format: uuid */
                    runId: string;
                    /** @enum {string} */
                    status: "waiting" | "resumed" | "timed_out" | "rejected" | "cancelled";
                    taskKey: string;
                    title: string;
                } | null;
                attempt: number;
                /** Format: date-time */
                createdAt: string;
                dueAt: string | null;
                event: string | null;
                /** Format: uuid */
                id: string;
                key: string | null;
                /** @enum {string} */
                kind: "signal" | "event" | "time" | "approval";
                resolvedAt: string | null;
                signal: string | null;
                /** @enum {string} */
                status: "waiting" | "resumed" | "timed_out" | "rejected" | "cancelled";
                taskKey: string;
            }[];
        };
        /** @description A schedule: when to start runs of the workflow, and with what input. */
        ScheduleBody: {
            /**
             * @description Fire times missed while Demiton was down: `skip` them (only a fire due within the last two minutes runs), or run `all` (the most recent 100 at most).
             * @default skip
             * @enum {string}
             */
            catchUp: "skip" | "all";
            /** @description Cron expression with five fields: minute hour day-of-month month day-of-week (e.g. `0 9 * * 1-5`). */
            cron: string;
            /** @default true */
            enabled: boolean;
            /**
             * @description The input of every run the schedule starts.
             * @default {}
             */
            input: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /**
             * @description IANA time zone the cron expression is read in, e.g. `Europe/Berlin`.
             * @default UTC
             */
            timezone: string;
        };
        ScheduleList: {
            items: {
                /** @enum {string} */
                catchUp: "skip" | "all";
                /** Format: date-time */
                createdAt: string;
                cron: string;
                enabled: boolean;
                /** Format: uuid */
                id: string;
                input: components["schemas"]["JsonValue"];
                /** @description Why the last fire started no run (e.g. `invalid_run_input` after the workflow changed, `worker_paused`), and when; null when it did. */
                lastError: {
                    /** Format: date-time */
                    at: string;
                    code: string;
                    message: string;
                } | null;
                /** @description The newest fire time this schedule has fired for. */
                lastFireAt: string | null;
                /** @description The run started by the last fire; null when it started none (see `lastError`) or has not fired yet. */
                lastRunId: string | null;
                nextFireAt: string | null;
                /** @description True when the schedule is enabled and its next fire time is more than two minutes in the past: the timer is not firing it (Demiton stopped, or the timer failing). */
                overdue: boolean;
                timezone: string;
                /** Format: date-time */
                updatedAt: string;
                /** Format: uuid */
                workflowId: string;
            }[];
        };
        ScheduleView: {
            /** @enum {string} */
            catchUp: "skip" | "all";
            /** Format: date-time */
            createdAt: string;
            cron: string;
            enabled: boolean;
            /** Format: uuid */
            id: string;
            input: components["schemas"]["JsonValue"];
            /** @description Why the last fire started no run (e.g. `invalid_run_input` after the workflow changed, `worker_paused`), and when; null when it did. */
            lastError: {
                /** Format: date-time */
                at: string;
                code: string;
                message: string;
            } | null;
            /** @description The newest fire time this schedule has fired for. */
            lastFireAt: string | null;
            /** @description The run started by the last fire; null when it started none (see `lastError`) or has not fired yet. */
            lastRunId: string | null;
            nextFireAt: string | null;
            /** @description True when the schedule is enabled and its next fire time is more than two minutes in the past: the timer is not firing it (Demiton stopped, or the timer failing). */
            overdue: boolean;
            timezone: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: uuid */
            workflowId: string;
        };
        /** @description What became of a signal. */
        SignalResult: {
            /**
             * @description 'resumed': it ended a wait; 'kept': no wait asks for it yet, the first wait for this name takes it.
             * @enum {string}
             */
            delivery: "resumed" | "kept";
            /** @description True when the Idempotency-Key named an earlier signal: nothing changed. */
            replayed: boolean;
            /** Format: uuid */
            signalId: string;
        };
        StudioDeltaEvent: {
            text: string;
        };
        StudioDoneEvent: {
            /** @description The model's reason for stopping; `model_not_configured` (and model `none`) when no model is set. */
            finishReason: string;
            messageId: string;
            model: string;
        };
        StudioErrorEvent: {
            code: string;
            message: string;
            retryable: boolean;
        };
        /** @description What the conversation is about: a project, workflow, run or digital worker. */
        StudioFocus: {
            /** Format: uuid */
            projectId?: string;
            /** Format: uuid */
            runId?: string;
            /** Format: uuid */
            workerId?: string;
            /** Format: uuid */
            workflowId?: string;
        };
        StudioNoticeEvent: {
            code: string;
            message: string;
        };
        Suggestion: {
            input: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            rationale: string;
            /** Format: uuid */
            workflowId: string;
            workflowName: string;
        };
        /** @description Queue, workers and runs at a glance. */
        SystemStatus: {
            /** Format: date-time */
            checkedAt: string;
            queue: {
                /** @enum {string} */
                backend: "redis" | "embedded";
                /** @description Run messages waiting (the whole platform). */
                depth: number;
            };
            /** @description Runs of the caller's organisation. */
            runs: {
                byStatus: {
                    CANCELLED: number;
                    FAILED: number;
                    PENDING: number;
                    RUNNING: number;
                    SUCCEEDED: number;
                    WAITING: number;
                };
                /** @description Age of the oldest PENDING run; null when none is waiting. */
                oldestPendingAgeSeconds: number | null;
                /** @description Open waits by kind: how many, and since when the oldest waits (WAITING runs hold no worker). */
                waiting: {
                    count: number;
                    /** @enum {string} */
                    kind: "signal" | "event" | "time" | "approval";
                    oldestSince: string | null;
                }[];
            };
            /** @description Workers whose heartbeat was valid at some moment in the last minute (the whole platform). */
            workers: {
                items: {
                    alive: boolean;
                    /** Format: date-time */
                    heartbeatExpiresAt: string;
                    workerId: string;
                }[];
                seenLastMinute: number;
            };
        };
        TestStepAccepted: {
            /**
             * @description Where the test data came from.
             * @enum {string}
             */
            data: "body" | "pin" | "none";
            /**
             * Format: uuid
             * @description The test run: read it with GET /api/runs/{id}.
             */
            id: string;
            /**
             * @description Whether the task came from the draft or from the latest version.
             * @enum {string}
             */
            source: "draft" | "version";
            /** @constant */
            status: "PENDING";
            taskKey: string;
            /** Format: uuid */
            workflowId: string;
            /** @description The latest version (for a draft: the version the test run is filed under). */
            workflowVersion: number;
        };
        /** @description What a step test runs with: `input` and `steps` (or a previous run's, `fromRunId`) through the task mapping, or `operationInput` as is. */
        TestStepData: {
            /**
             * Format: uuid
             * @description A run of this workflow to take the data from: its input as `input` and its tasks' outputs as `steps` (given `input` or `steps` entries win).
             */
            fromRunId?: string;
            /** @description The run input the task mapping reads as `input.*` (default {}). */
            input?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description The operation's input as given: the task's input mapping is skipped. Exclusive with `input`, `steps` and `fromRunId`. */
            operationInput?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description Outputs of earlier steps the task mapping reads as `steps.<key>` (default {}), e.g. copied from a previous run. */
            steps?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
        };
        TriggerDeliveryList: {
            items: {
                deliveryId: string | null;
                /** @enum {string} */
                outcome: "started" | "duplicate" | "filtered" | "handshake" | "refused" | "failed";
                /** @description Why a delivery was refused or failed (a code, e.g. `signature_mismatch`, `stale_timestamp`, `rate_limited`). */
                reason: string | null;
                /** Format: date-time */
                receivedAt: string;
                runId: string | null;
                /** @description The HTTP status answered (for Service Bus: 202 started, 409 duplicate, 500 failed). */
                status: number;
            }[];
        };
        TriggerList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                deliveryIdHeader?: string;
                enabled: boolean;
                /** @description Deliveries refused because they could not be verified (bad or missing signature, token, stale timestamp). */
                failedVerifications: number;
                filter?: string;
                /** @enum {string} */
                format?: "json" | "event-grid" | "graph" | "business-central";
                /** @description Also the webhook’s address: POST /api/hooks/{id}. */
                id: string;
                input?: string | {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                lastFailedVerificationAt: string | null;
                maxBodyBytes?: number;
                maxDeliveryAttempts?: number;
                name: string;
                /** @description After a rotation: until when the previous secret is still accepted. */
                previousSecretValidUntil: string | null;
                queue?: string;
                rateLimitPerMinute?: number;
                /** @enum {string} */
                respond?: "async" | "sync";
                /** @description Whether a secret (or connection string) is stored; its value is never returned. */
                secretSet: boolean;
                subscription?: string;
                syncTimeoutSeconds?: number;
                topic?: string;
                /** @enum {string} */
                type: "webhook" | "service-bus";
                /** Format: date-time */
                updatedAt: string;
                /** @description Where senders deliver (webhooks); null for Service Bus. */
                url: string | null;
                verification?: {
                    /** @enum {string} */
                    encoding?: "hex" | "base64";
                    header?: string;
                    prefix?: string;
                    query?: string;
                    toleranceSeconds?: number;
                    /** @enum {string} */
                    type: "hmac" | "stripe-style" | "token" | "entra" | "client-state";
                };
                /** Format: uuid */
                workflowId: string;
            }[];
        };
        TriggerRunBody: {
            /**
             * @description The run input, a JSON object.
             * @default {}
             */
            input: {
                [key: string]: components["schemas"]["JsonValue"];
            };
        };
        TriggerView: {
            /** Format: date-time */
            createdAt: string;
            deliveryIdHeader?: string;
            enabled: boolean;
            /** @description Deliveries refused because they could not be verified (bad or missing signature, token, stale timestamp). */
            failedVerifications: number;
            filter?: string;
            /** @enum {string} */
            format?: "json" | "event-grid" | "graph" | "business-central";
            /** @description Also the webhook’s address: POST /api/hooks/{id}. */
            id: string;
            input?: string | {
                [key: string]: components["schemas"]["JsonValue"];
            };
            lastFailedVerificationAt: string | null;
            maxBodyBytes?: number;
            maxDeliveryAttempts?: number;
            name: string;
            /** @description After a rotation: until when the previous secret is still accepted. */
            previousSecretValidUntil: string | null;
            queue?: string;
            rateLimitPerMinute?: number;
            /** @enum {string} */
            respond?: "async" | "sync";
            /** @description Whether a secret (or connection string) is stored; its value is never returned. */
            secretSet: boolean;
            subscription?: string;
            syncTimeoutSeconds?: number;
            topic?: string;
            /** @enum {string} */
            type: "webhook" | "service-bus";
            /** Format: date-time */
            updatedAt: string;
            /** @description Where senders deliver (webhooks); null for Service Bus. */
            url: string | null;
            verification?: {
                /** @enum {string} */
                encoding?: "hex" | "base64";
                header?: string;
                prefix?: string;
                query?: string;
                toleranceSeconds?: number;
                /** @enum {string} */
                type: "hmac" | "stripe-style" | "token" | "entra" | "client-state";
            };
            /** Format: uuid */
            workflowId: string;
        };
        WorkerList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                description: string | null;
                /** Format: uuid */
                id: string;
                name: string;
                owner: string;
                /** Format: uuid */
                projectId: string;
                /**
                 * @description A paused worker refuses triggers of its workflows and its schedules do not fire.
                 * @enum {string}
                 */
                status: "active" | "paused";
                /** Format: date-time */
                updatedAt: string;
                workflows: {
                    /** Format: uuid */
                    id: string;
                    name: string;
                }[];
            }[];
        };
        WorkerStats: {
            daily: {
                avgDurationMs: number | null;
                cancelled: number;
                /** @description UTC day, YYYY-MM-DD. */
                day: string;
                failed: number;
                succeeded: number;
            }[];
            days: number;
            recentFailures: {
                /** Format: date-time */
                at: string;
                message: string | null;
                /** Format: uuid */
                runId: string;
                workflowName: string;
            }[];
            totals: {
                avgDurationMs: number | null;
                cancelled: number;
                failed: number;
                inProgress: number;
                p95DurationMs: number | null;
                runs: number;
                succeeded: number;
                /** @description Succeeded / (succeeded + failed + cancelled); null with no finished run. */
                successRate: number | null;
            };
            /** Format: uuid */
            workerId: string;
        };
        WorkerView: {
            /** Format: date-time */
            createdAt: string;
            description: string | null;
            /** Format: uuid */
            id: string;
            name: string;
            owner: string;
            /** Format: uuid */
            projectId: string;
            /**
             * @description A paused worker refuses triggers of its workflows and its schedules do not fire.
             * @enum {string}
             */
            status: "active" | "paused";
            /** Format: date-time */
            updatedAt: string;
            workflows: {
                /** Format: uuid */
                id: string;
                name: string;
            }[];
        };
        /** @description Whether the workflow is archived: an archived workflow starts no run and is left out of lists unless asked for. */
        WorkflowArchiveState: {
            archived: boolean;
            /** Format: uuid */
            id: string;
        };
        /** @description A workflow definition. */
        WorkflowDefinition: {
            /** @description Concurrency limit of a workflow: runs at a time, overall or per key value. */
            concurrency?: {
                /** @description JSONata expression over { input } naming the group the limit applies to. */
                key?: string;
                limit: number;
            };
            description?: string;
            /** @description true: a WAITING run keeps its workflow concurrency slot until the wait ends, the run is cancelled or ends (default: a waiting run holds none). */
            holdSlotWhileWaiting?: boolean;
            /** @description JSON Schema (2020-12) the run input must satisfy. */
            inputSchema?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description Tasks of one run executing at the same time (default 10). */
            maxParallel?: number;
            name: string;
            /** @description A workflow started (as its own run, linked by onFailureOf) when a run of this one ends FAILED. */
            onFailure?: {
                /** @description Its input; the mapping context holds input, steps, run and failure: { runId, task, code, message }. */
                input?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /** @description Name or id of a workflow in the same project. */
                workflow: string;
            };
            /** @description The run's output mapping; when omitted, the output of the last task in the list that succeeded. */
            output?: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /**
             * Format: uuid
             * @description Project the workflow belongs to; the default project when omitted.
             */
            projectId?: string;
            tasks: ({
                /** @description A connector name in the project, or 'platform'. */
                connector: string;
                /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                input?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                key: string;
                /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                needs?: string[];
                /**
                 * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                 * @enum {string}
                 */
                onError?: "fail" | "continue";
                operation: string;
                /** @description Retry policy: attempts in all, backoff, first delay and cap (milliseconds), with jitter. */
                retry?: {
                    /**
                     * @default exponential
                     * @enum {string}
                     */
                    backoff: "fixed" | "exponential";
                    /** @default 1000 */
                    initialDelayMs: number;
                    maxAttempts: number;
                    /** @default 60000 */
                    maxDelayMs: number;
                };
                /**
                 * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                /** @description Time limit of one attempt in milliseconds; the operation is aborted when it passes. */
                timeoutMs?: number;
                /** @constant */
                type: "atomic";
                /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                when?: string;
            } | {
                /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                input?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                key: string;
                /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                needs?: string[];
                /**
                 * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                 * @enum {string}
                 */
                onError?: "fail" | "continue";
                /**
                 * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                /** @description Time limit of the child run; it is aborted when it passes. */
                timeoutMs?: number;
                /** @constant */
                type: "workflow";
                /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                when?: string;
                /** @description Name or id of a workflow in the same project. */
                workflow: string;
            } | {
                /** @description true: the output holds `results`, the output of each record in record order (null for a failed record); refused on save when the generator's literal count passes 100000; a run whose results pass 16777216 bytes fails with collect_too_large. */
                collect?: boolean;
                /** @default 10 */
                concurrency: number;
                /** @description What runs for each record: a workflow or an operation. */
                each: {
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    workflow: string;
                } | {
                    /** @description A connector name in the project, or 'platform'. */
                    connector: string;
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    operation: string;
                };
                generator: {
                    /** @description A connector name in the project, or 'platform'. */
                    connector: string;
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    operation: string;
                };
                key: string;
                /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                needs?: string[];
                /**
                 * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                 * @enum {string}
                 */
                onError?: "fail" | "continue";
                /**
                 * @description 'stop' (default): the first failed record stops dispatch and fails the task. 'continue': every record runs, failed records are listed in the output and the task succeeds.
                 * @enum {string}
                 */
                onRecordError?: "stop" | "continue";
                /** @description Retry policy of each chunk whose `each` is an operation. */
                retry?: {
                    /**
                     * @default exponential
                     * @enum {string}
                     */
                    backoff: "fixed" | "exponential";
                    /** @default 1000 */
                    initialDelayMs: number;
                    maxAttempts: number;
                    /** @default 60000 */
                    maxDelayMs: number;
                };
                /**
                 * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                /** @description Time limit of each chunk. */
                timeoutMs?: number;
                /** @constant */
                type: "chunked";
                /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                when?: string;
            } | {
                /** @description Wait this long (milliseconds, up to a year). */
                durationMs?: number;
                /** @description Wait for POST /api/events with this name and a key equal to `match`. */
                event?: string;
                key: string;
                /** @description JSONata over { input, steps, run } giving the event key this run waits for. */
                match?: string;
                /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                needs?: string[];
                /**
                 * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                 * @enum {string}
                 */
                onError?: "fail" | "continue";
                /**
                 * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                /** @description Wait for POST /api/runs/{id}/signals/{name}; a signal sent earlier is kept and taken by the first matching wait. */
                signal?: string;
                /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                timeoutMs?: number;
                /** @constant */
                type: "wait";
                /** @description JSONata over { input, steps, run } giving an ISO date-time to wait until. */
                until?: string;
                /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                when?: string;
            } | {
                /** @description Whether the person who started the run may approve it (default false). */
                allowRequester?: boolean;
                /** @description Who may decide: members with one of the roles, in one of the groups, or one of the users. */
                approvers: {
                    /** @description Entra group object ids. */
                    groups?: string[];
                    roles?: ("owner" | "admin" | "editor" | "operator" | "viewer")[];
                    /** @description User object ids or e-mail addresses. */
                    users?: string[];
                };
                /** @description What the approvers see (a mapping over { input, steps, run }). */
                details?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                key: string;
                /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                needs?: string[];
                /** @description An operation called when the approval opens (e.g. mail or Teams) with `approval.link` in its mapping context. */
                notify?: {
                    /** @description A connector name in the project, or 'platform'. */
                    connector: string;
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    operation: string;
                };
                /**
                 * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                 * @enum {string}
                 */
                onError?: "fail" | "continue";
                /** @description Distinct approvals needed (default 1); one rejection ends it. */
                required?: number;
                /**
                 * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                 * @enum {string}
                 */
                runAfter?: "success" | "failure" | "always";
                /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                timeoutMs?: number;
                title: string;
                /** @constant */
                type: "approval";
                /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                when?: string;
            })[];
        };
        /** @description The saved draft of a workflow: checked like a save, run by nothing until published. */
        WorkflowDraftView: {
            /** @description The latest version when the draft was saved. */
            basedOnVersion: number;
            /** @description A workflow definition. */
            definition: {
                /** @description Concurrency limit of a workflow: runs at a time, overall or per key value. */
                concurrency?: {
                    /** @description JSONata expression over { input } naming the group the limit applies to. */
                    key?: string;
                    limit: number;
                };
                description?: string;
                /** @description true: a WAITING run keeps its workflow concurrency slot until the wait ends, the run is cancelled or ends (default: a waiting run holds none). */
                holdSlotWhileWaiting?: boolean;
                /** @description JSON Schema (2020-12) the run input must satisfy. */
                inputSchema?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /** @description Tasks of one run executing at the same time (default 10). */
                maxParallel?: number;
                name: string;
                /** @description A workflow started (as its own run, linked by onFailureOf) when a run of this one ends FAILED. */
                onFailure?: {
                    /** @description Its input; the mapping context holds input, steps, run and failure: { runId, task, code, message }. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Name or id of a workflow in the same project. */
                    workflow: string;
                };
                /** @description The run's output mapping; when omitted, the output of the last task in the list that succeeded. */
                output?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /**
                 * Format: uuid
                 * @description Project the workflow belongs to; the default project when omitted.
                 */
                projectId?: string;
                tasks: ({
                    /** @description A connector name in the project, or 'platform'. */
                    connector: string;
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    operation: string;
                    /** @description Retry policy: attempts in all, backoff, first delay and cap (milliseconds), with jitter. */
                    retry?: {
                        /**
                         * @default exponential
                         * @enum {string}
                         */
                        backoff: "fixed" | "exponential";
                        /** @default 1000 */
                        initialDelayMs: number;
                        maxAttempts: number;
                        /** @default 60000 */
                        maxDelayMs: number;
                    };
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of one attempt in milliseconds; the operation is aborted when it passes. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "atomic";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of the child run; it is aborted when it passes. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "workflow";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                    /** @description Name or id of a workflow in the same project. */
                    workflow: string;
                } | {
                    /** @description true: the output holds `results`, the output of each record in record order (null for a failed record); refused on save when the generator's literal count passes 100000; a run whose results pass 16777216 bytes fails with collect_too_large. */
                    collect?: boolean;
                    /** @default 10 */
                    concurrency: number;
                    /** @description What runs for each record: a workflow or an operation. */
                    each: {
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        workflow: string;
                    } | {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    generator: {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description 'stop' (default): the first failed record stops dispatch and fails the task. 'continue': every record runs, failed records are listed in the output and the task succeeds.
                     * @enum {string}
                     */
                    onRecordError?: "stop" | "continue";
                    /** @description Retry policy of each chunk whose `each` is an operation. */
                    retry?: {
                        /**
                         * @default exponential
                         * @enum {string}
                         */
                        backoff: "fixed" | "exponential";
                        /** @default 1000 */
                        initialDelayMs: number;
                        maxAttempts: number;
                        /** @default 60000 */
                        maxDelayMs: number;
                    };
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of each chunk. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "chunked";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Wait this long (milliseconds, up to a year). */
                    durationMs?: number;
                    /** @description Wait for POST /api/events with this name and a key equal to `match`. */
                    event?: string;
                    key: string;
                    /** @description JSONata over { input, steps, run } giving the event key this run waits for. */
                    match?: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Wait for POST /api/runs/{id}/signals/{name}; a signal sent earlier is kept and taken by the first matching wait. */
                    signal?: string;
                    /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "wait";
                    /** @description JSONata over { input, steps, run } giving an ISO date-time to wait until. */
                    until?: string;
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Whether the person who started the run may approve it (default false). */
                    allowRequester?: boolean;
                    /** @description Who may decide: members with one of the roles, in one of the groups, or one of the users. */
                    approvers: {
                        /** @description Entra group object ids. */
                        groups?: string[];
                        roles?: ("owner" | "admin" | "editor" | "operator" | "viewer")[];
                        /** @description User object ids or e-mail addresses. */
                        users?: string[];
                    };
                    /** @description What the approvers see (a mapping over { input, steps, run }). */
                    details?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /** @description An operation called when the approval opens (e.g. mail or Teams) with `approval.link` in its mapping context. */
                    notify?: {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /** @description Distinct approvals needed (default 1); one rejection ends it. */
                    required?: number;
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                    timeoutMs?: number;
                    title: string;
                    /** @constant */
                    type: "approval";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                })[];
            };
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
            /** Format: uuid */
            workflowId: string;
        };
        WorkflowList: {
            items: {
                /** @description Present (true) on an archived workflow, listed only with includeArchived=true. */
                archived?: boolean;
                description?: string;
                /** Format: uuid */
                id: string;
                lastRun: {
                    /** Format: date-time */
                    createdAt: string;
                    /** Format: uuid */
                    id: string;
                    /** @enum {string} */
                    status: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                } | null;
                name: string;
                /** Format: uuid */
                projectId: string;
                taskCount: number;
                /** Format: date-time */
                updatedAt: string;
                version: number;
            }[];
        };
        /** @description What changed from version `from` to version `to`; tasks are matched by key. */
        WorkflowVersionDiff: {
            /** @description Changes of the definition outside its tasks (name, description, inputSchema, output…). */
            fields: {
                after?: components["schemas"]["JsonValue"];
                before?: components["schemas"]["JsonValue"];
                path: string;
            }[];
            from: number;
            identical: boolean;
            tasks: {
                added: {
                    key: string;
                    position: number;
                }[];
                changed: {
                    changes: {
                        after?: components["schemas"]["JsonValue"];
                        before?: components["schemas"]["JsonValue"];
                        path: string;
                    }[];
                    key: string;
                }[];
                /** @description Task keys before and after, when tasks in both changed places. */
                order: {
                    after: string[];
                    before: string[];
                } | null;
                removed: {
                    key: string;
                    position: number;
                }[];
            };
            to: number;
            /** Format: uuid */
            workflowId: string;
        };
        WorkflowVersionList: {
            items: {
                /** Format: date-time */
                createdAt: string;
                createdBy: string;
                version: number;
            }[];
        };
        WorkflowView: {
            /**
             * Format: date-time
             * @description When the workflow (version 1) was created.
             */
            createdAt: string;
            /** @description A workflow definition. */
            definition: {
                /** @description Concurrency limit of a workflow: runs at a time, overall or per key value. */
                concurrency?: {
                    /** @description JSONata expression over { input } naming the group the limit applies to. */
                    key?: string;
                    limit: number;
                };
                description?: string;
                /** @description true: a WAITING run keeps its workflow concurrency slot until the wait ends, the run is cancelled or ends (default: a waiting run holds none). */
                holdSlotWhileWaiting?: boolean;
                /** @description JSON Schema (2020-12) the run input must satisfy. */
                inputSchema?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /** @description Tasks of one run executing at the same time (default 10). */
                maxParallel?: number;
                name: string;
                /** @description A workflow started (as its own run, linked by onFailureOf) when a run of this one ends FAILED. */
                onFailure?: {
                    /** @description Its input; the mapping context holds input, steps, run and failure: { runId, task, code, message }. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Name or id of a workflow in the same project. */
                    workflow: string;
                };
                /** @description The run's output mapping; when omitted, the output of the last task in the list that succeeded. */
                output?: {
                    [key: string]: components["schemas"]["JsonValue"];
                };
                /**
                 * Format: uuid
                 * @description Project the workflow belongs to; the default project when omitted.
                 */
                projectId?: string;
                tasks: ({
                    /** @description A connector name in the project, or 'platform'. */
                    connector: string;
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    operation: string;
                    /** @description Retry policy: attempts in all, backoff, first delay and cap (milliseconds), with jitter. */
                    retry?: {
                        /**
                         * @default exponential
                         * @enum {string}
                         */
                        backoff: "fixed" | "exponential";
                        /** @default 1000 */
                        initialDelayMs: number;
                        maxAttempts: number;
                        /** @default 60000 */
                        maxDelayMs: number;
                    };
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of one attempt in milliseconds; the operation is aborted when it passes. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "atomic";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                    input?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of the child run; it is aborted when it passes. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "workflow";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                    /** @description Name or id of a workflow in the same project. */
                    workflow: string;
                } | {
                    /** @description true: the output holds `results`, the output of each record in record order (null for a failed record); refused on save when the generator's literal count passes 100000; a run whose results pass 16777216 bytes fails with collect_too_large. */
                    collect?: boolean;
                    /** @default 10 */
                    concurrency: number;
                    /** @description What runs for each record: a workflow or an operation. */
                    each: {
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        workflow: string;
                    } | {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    generator: {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description 'stop' (default): the first failed record stops dispatch and fails the task. 'continue': every record runs, failed records are listed in the output and the task succeeds.
                     * @enum {string}
                     */
                    onRecordError?: "stop" | "continue";
                    /** @description Retry policy of each chunk whose `each` is an operation. */
                    retry?: {
                        /**
                         * @default exponential
                         * @enum {string}
                         */
                        backoff: "fixed" | "exponential";
                        /** @default 1000 */
                        initialDelayMs: number;
                        maxAttempts: number;
                        /** @default 60000 */
                        maxDelayMs: number;
                    };
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Time limit of each chunk. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "chunked";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Wait this long (milliseconds, up to a year). */
                    durationMs?: number;
                    /** @description Wait for POST /api/events with this name and a key equal to `match`. */
                    event?: string;
                    key: string;
                    /** @description JSONata over { input, steps, run } giving the event key this run waits for. */
                    match?: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description Wait for POST /api/runs/{id}/signals/{name}; a signal sent earlier is kept and taken by the first matching wait. */
                    signal?: string;
                    /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                    timeoutMs?: number;
                    /** @constant */
                    type: "wait";
                    /** @description JSONata over { input, steps, run } giving an ISO date-time to wait until. */
                    until?: string;
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                } | {
                    /** @description Whether the person who started the run may approve it (default false). */
                    allowRequester?: boolean;
                    /** @description Who may decide: members with one of the roles, in one of the groups, or one of the users. */
                    approvers: {
                        /** @description Entra group object ids. */
                        groups?: string[];
                        roles?: ("owner" | "admin" | "editor" | "operator" | "viewer")[];
                        /** @description User object ids or e-mail addresses. */
                        users?: string[];
                    };
                    /** @description What the approvers see (a mapping over { input, steps, run }). */
                    details?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    key: string;
                    /** @description Keys of the tasks this one waits for. Omitted: the task before it in the list; [] : none (starts with the run). */
                    needs?: string[];
                    /** @description An operation called when the approval opens (e.g. mail or Teams) with `approval.link` in its mapping context. */
                    notify?: {
                        /** @description A connector name in the project, or 'platform'. */
                        connector: string;
                        /** @description Input mapping: JSON with {{ JSONata }} expressions. */
                        input?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        operation: string;
                    };
                    /**
                     * @description 'fail' (default): a failure of this task fails the run unless a runAfter: failure task handles it. 'continue': the task ends FAILED with output { error } and the run goes on.
                     * @enum {string}
                     */
                    onError?: "fail" | "continue";
                    /** @description Distinct approvals needed (default 1); one rejection ends it. */
                    required?: number;
                    /**
                     * @description When the task runs once its needs ended: 'success' (default: no need failed, at least one succeeded), 'failure' (at least one need failed: a handler), 'always' (a finally).
                     * @enum {string}
                     */
                    runAfter?: "success" | "failure" | "always";
                    /** @description How long to wait at most (milliseconds, up to a year); then the task ends FAILED with wait_timed_out. */
                    timeoutMs?: number;
                    title: string;
                    /** @constant */
                    type: "approval";
                    /** @description JSONata over { input, steps, run }, evaluated when the needs are met; false (by $boolean) skips the task (SKIPPED). */
                    when?: string;
                })[];
            };
            /** Format: uuid */
            id: string;
            /** @description The newest version. When `version` is older, saving this definition (PUT) makes it the newest version again: that is how an old version is restored. */
            latestVersion: number;
            name: string;
            /** Format: uuid */
            projectId: string;
            /**
             * Format: date-time
             * @description When the workflow last changed (its latest version was saved).
             */
            updatedAt: string;
            /** @description The version shown (the latest, or the one asked for with `?version=N`). */
            version: number;
            /**
             * Format: date-time
             * @description When the version shown was saved.
             */
            versionCreatedAt: string;
            /** @description Who saved the version shown (user object id, API key id or `system`). */
            versionCreatedBy: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAdapters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Adapters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdapterCatalog"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApprovals: {
        parameters: {
            query?: {
                status?: "pending" | "all";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Approvals, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    decideApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DecisionBody"];
            };
        };
        responses: {
            /** @description The approval after the decision */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    authConfig: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Sign-in configuration */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthConfig"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBusinessObjectTypes: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Types */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectTypeList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createBusinessObjectType: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessObjectTypeBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the type */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectTypeView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBusinessObjectType: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The type */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectTypeView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateBusinessObjectType: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    /** @description Must equal the current key field; it cannot change. */
                    keyField?: string;
                    schema: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                };
            };
        };
        responses: {
            /** @description The type */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectTypeView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBusinessObjects: {
        parameters: {
            query?: {
                cursor?: string;
                filter?: string;
                limit?: number;
                projectId?: string;
            };
            header?: never;
            path: {
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createBusinessObject: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: components["schemas"]["JsonValue"];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the record */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBusinessObject: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                key: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putBusinessObject: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                key: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: components["schemas"]["JsonValue"];
                };
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectView"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessObjectView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteBusinessObject: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path: {
                key: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listConnectors: {
        parameters: {
            query?: {
                projectId?: string;
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Connectors */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectorList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createConnector: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectorBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the connector */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectorView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConnector: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectorView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateConnector: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectorUpdateBody"];
            };
        };
        responses: {
            /** @description The connector */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectorView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteConnector: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    testConnector: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The outcome (ok false carries the server’s error) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectorTestResult"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    publishEvent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EventBody"];
            };
        };
        responses: {
            /** @description Published */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventResult"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Healthy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Too many health requests from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A dependency is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deliverHook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Example of a signature header; each trigger names its own (verification.header). */
                "X-Hub-Signature-256"?: string;
            };
            path: {
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JsonValue"];
            };
        };
        responses: {
            /** @description A handshake answered (`{"validationResponse": …}` for Event Grid, the validationToken as text/plain for Graph and Business Central), or with respond=sync the run’s output */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Accepted: one run committed and queued per event (a redelivery returns the run it started) */
            202: {
                headers: {
                    /** @description URL of the run (one event) */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HookAccepted"];
                };
            };
            /** @description Every event was dropped by the trigger’s filter: no run */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The delivery could not be verified (the answer does not say which check failed) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body is larger than the trigger’s limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The trigger’s rate limit is reached */
            429: {
                headers: {
                    /** @description Seconds to wait */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    validateHook: {
        parameters: {
            query?: never;
            header: {
                /** @description The origin asking to deliver, e.g. eventgrid.azure.net */
                "WebHook-Request-Origin": string;
            };
            path: {
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed */
            200: {
                headers: {
                    /** @description The origin allowed */
                    "WebHook-Allowed-Origin"?: string;
                    /** @description Deliveries per minute allowed (*) */
                    "WebHook-Allowed-Rate"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description API keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    expiresAt?: string;
                    name: string;
                    /** @enum {string} */
                    role: "viewer" | "operator" | "editor" | "admin";
                    /** @description Limit the key to these workflows. */
                    workflowIds?: string[];
                };
            };
        };
        responses: {
            /** @description Created; `key` is shown only now */
            201: {
                headers: {
                    /** @description URL of the key */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revoked key */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAudit: {
        parameters: {
            query?: {
                action?: string;
                actionPrefix?: string;
                actorId?: string;
                actorType?: "user" | "apikey" | "system";
                cursor?: string;
                from?: string;
                limit?: number;
                targetId?: string;
                targetType?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listMembers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setMemberRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                objectId: string;
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description null removes the direct grant. */
                    role: ("viewer" | "operator" | "editor" | "admin" | "owner") | null;
                };
            };
        };
        responses: {
            /** @description The member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        displayName: string | null;
                        /** @description The role their last sign-in resolved to. */
                        effectiveRole: ("viewer" | "operator" | "editor" | "admin" | "owner") | null;
                        /** Format: date-time */
                        firstSeenAt: string;
                        /** Format: date-time */
                        lastSeenAt: string;
                        /** Format: uuid */
                        objectId: string;
                        /** @description A role granted directly (on top of groups and app roles). */
                        role: ("viewer" | "operator" | "editor" | "admin" | "owner") | null;
                        /** Format: uuid */
                        tenantId: string;
                        /** @description For display only; people are identified by tenantId + objectId. */
                        username: string | null;
                    };
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getModelProvider: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Model provider settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelProviderView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putModelProvider: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutModelProviderBody"];
            };
        };
        responses: {
            /** @description Model provider settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelProviderView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRoleMappings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Mappings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleMappingList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putRoleMapping: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    /** @enum {string} */
                    role: "viewer" | "operator" | "editor" | "admin" | "owner";
                };
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleMappingView"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleMappingView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteRoleMapping: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                groupId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrgSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgSettingsView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putOrgSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description New keys must expire within this many days.
                     * @default null
                     */
                    apiKeyMaxLifetimeDays?: number | null;
                    /**
                     * @description False refuses every API key of the organisation.
                     * @default true
                     */
                    apiKeysEnabled?: boolean;
                    /**
                     * @description False refuses API keys creating API keys, role mappings and member roles (403 api_key_grants_disabled); what keys do grant is audited with a `.by_api_key` action.
                     * @default true
                     */
                    apiKeysMayGrantAccess?: boolean;
                    /**
                     * @description Language-model tokens (input + output) workflow tasks may spend per UTC calendar month; calls past it fail with model_budget_exceeded. Null: no limit.
                     * @default null
                     */
                    modelTokenBudgetMonthly?: number | null;
                    name: string;
                    /**
                     * @description Finished runs (SUCCEEDED, FAILED, CANCELLED) that ended more than this many days ago are deleted with their tasks, chunks and waits by the hourly purge; audit entries are kept. Null: runs are kept forever.
                     * @default null
                     */
                    runRetentionDays?: number | null;
                };
            };
        };
        responses: {
            /** @description Settings */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgSettingsView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    hqSystem: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description System status */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SystemStatus"];
                };
            };
            /** @description The queue or the database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    mcp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON-RPC response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A notification was accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProjects: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Projects */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the project */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The project */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProjectView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                createdAfter?: string;
                createdBefore?: string;
                cursor?: string;
                limit?: number;
                status?: "PENDING" | "RUNNING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                trigger?: "http" | "schedule" | "workflow" | "chunk" | "event" | "test";
                workflowId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled (or already cancelled) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CancelRunResult"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    runEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream (text/event-stream): events snapshot, run, task, problem, end */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RetryRunBody"];
            };
        };
        responses: {
            /** @description The next attempt is queued */
            202: {
                headers: {
                    /** @description URL of the run */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RetryRunResult"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sendSignal: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key for the same run delivers the signal once. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JsonValue"];
            };
        };
        responses: {
            /** @description Delivered (or kept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignalResult"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRunWaits: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run's waits, latest attempt first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunWaitList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    bulkRetryRuns: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkRetryBody"];
            };
        };
        responses: {
            /** @description The preview (`preview: true`): nothing changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRetryPreview"];
                };
            };
            /** @description The action started; its progress is at Location */
            202: {
                headers: {
                    /** @description URL of the action */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRunAction"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBulkRetryRuns: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRunAction"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    workflowSchema: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON Schema (2020-12) document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listStudioConversations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Conversations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createStudioConversation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateConversationBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the conversation */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStudioConversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationDetail"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postStudioMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostMessageBody"];
            };
        };
        responses: {
            /** @description The answer as an event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Too many answers streaming for this user or organisation */
            429: {
                headers: {
                    /** @description Seconds until a slot frees */
                    "Retry-After"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listStudioDocuments: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Documents */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadStudioDocument: {
        parameters: {
            query: {
                name: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ingested */
            201: {
                headers: {
                    /** @description URL of the document */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentView"];
                };
            };
            /** @description Larger than DOCUMENT_MAX_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not a supported document type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No text could be extracted */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStudioDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteStudioDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchStudioDocuments: {
        parameters: {
            query: {
                limit?: number;
                q: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Nearest chunks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentHitList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWorkers: {
        parameters: {
            query?: {
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Workers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWorker: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    name: string;
                    /** @description Who answers for this worker (a person or team). */
                    owner: string;
                    /**
                     * Format: uuid
                     * @description The default project when omitted.
                     */
                    projectId?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the worker */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWorker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWorker: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string | null;
                    name?: string;
                    owner?: string;
                    /**
                     * @description A paused worker refuses triggers of its workflows and its schedules do not fire.
                     * @enum {string}
                     */
                    status?: "active" | "paused";
                };
            };
        };
        responses: {
            /** @description The worker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkerStats: {
        parameters: {
            query?: {
                days?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Statistics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerStats"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    assignWorkerWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uuid */
                    workflowId: string;
                };
            };
        };
        responses: {
            /** @description The worker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    unassignWorkerWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                workflowId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWorkflows: {
        parameters: {
            query?: {
                includeArchived?: "true" | "false";
                projectId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Workflows */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the workflow */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkflow: {
        parameters: {
            query?: {
                version?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workflow */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description The new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    archiveWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Archived */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowArchiveState"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkflowDraft: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The draft */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowDraftView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    saveWorkflowDraft: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description The saved draft */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowDraftView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    discardWorkflowDraft: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Discarded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDraftPins: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pins */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DraftPins"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putDraftPins: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DraftPinsBody"];
            };
        };
        responses: {
            /** @description The pins */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DraftPins"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    publishWorkflowDraft: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PublishDraftBody"];
            };
        };
        responses: {
            /** @description The published version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    restoreWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Restored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowArchiveState"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rollbackWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RollbackBody"];
            };
        };
        responses: {
            /** @description The new latest version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    triggerRun: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key for the same workflow returns the first run instead of starting another. */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TriggerRunBody"];
            };
        };
        responses: {
            /** @description Accepted: the run is committed and queued */
            202: {
                headers: {
                    /** @description URL of the run */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunAccepted"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Schedules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleBody"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description URL of the schedule */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                scheduleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                scheduleId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleBody"];
            };
        };
        responses: {
            /** @description The schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                scheduleId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    testWorkflowStep: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TestStepData"];
            };
        };
        responses: {
            /** @description Accepted: the test run is committed and queued */
            202: {
                headers: {
                    /** @description URL of the run */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TestStepAccepted"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTriggers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Triggers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The header naming each delivery (e.g. `X-GitHub-Delivery`); it becomes the run’s idempotency key, so a redelivery starts no second run. */
                    deliveryIdHeader?: string;
                    /** @default true */
                    enabled?: boolean;
                    /** @description A JSONata expression over `{ body, headers, query }`; an event for which it is not true starts no run (204). */
                    filter?: string;
                    /**
                     * @description `json`: one delivery is one event. `event-grid`: Event Grid or CloudEvents schema, validation handshakes answered, one run per event. `graph` / `business-central`: `validationToken` echoed, one run per notification in `value`.
                     * @default json
                     * @enum {string}
                     */
                    format?: "json" | "event-grid" | "graph" | "business-central";
                    /** @description The run input: a JSONata mapping (`{{ … }}`, as in task inputs) over `{ body, headers, query }`; must give an object. Default: the body. */
                    input?: string | {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Largest body accepted (default and ceiling: the host’s MAX_BODY_BYTES). */
                    maxBodyBytes?: number;
                    /** @description Unique among the workflow’s triggers; generated when absent. */
                    name?: string;
                    /**
                     * @description Deliveries accepted per minute on each control-plane instance; more are answered 429.
                     * @default 600
                     */
                    rateLimitPerMinute?: number;
                    /**
                     * @description `async`: 202 with the run id. `sync`: wait up to `syncTimeoutSeconds` for the run and answer 200 with its output, else 202.
                     * @default async
                     * @enum {string}
                     */
                    respond?: "async" | "sync";
                    /**
                     * @description When a new secret is given on update: seconds the previous one stays valid, so senders can move over.
                     * @default 3600
                     */
                    secretOverlapSeconds?: number;
                    /** @default 10 */
                    syncTimeoutSeconds?: number;
                    /** @constant */
                    type: "webhook";
                    /** @description How a delivery proves it comes from the sender: a signature, a shared token, Entra sign-in, or the clientState of a Graph / Business Central subscription. */
                    verification: {
                        /**
                         * @description How the signature is written: hex (GitHub) or base64 (Shopify).
                         * @default hex
                         * @enum {string}
                         */
                        encoding?: "hex" | "base64";
                        /** @description The header carrying the signature, e.g. `X-Hub-Signature-256` (GitHub), `X-Shopify-Hmac-Sha256`. */
                        header: string;
                        /**
                         * @description Text before the signature in the header, e.g. `sha256=` (GitHub).
                         * @default
                         */
                        prefix?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /** @constant */
                        type: "hmac";
                    } | {
                        /**
                         * @description The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
                         * @default Stripe-Signature
                         */
                        header?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /**
                         * @description Deliveries whose timestamp is further than this from now are refused.
                         * @default 300
                         */
                        toleranceSeconds?: number;
                        /** @constant */
                        type: "stripe-style";
                    } | {
                        /** @description The header carrying the token, e.g. `aeg-sas-key` or `X-Webhook-Token`. */
                        header?: string;
                        /** @description Or: the query parameter carrying the token (put it in the URL you give the sender). */
                        query?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /** @constant */
                        type: "token";
                    } | {
                        /** @constant */
                        type: "entra";
                    } | {
                        /** @description The `clientState` given when the Graph or Business Central subscription was created. */
                        secret?: string;
                        /** @constant */
                        type: "client-state";
                    };
                } | {
                    /** @description Write-only: the Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…). */
                    connectionString?: string;
                    /** @default true */
                    enabled?: boolean;
                    /** @description A JSONata expression over `{ body, headers, query }`; an event for which it is not true starts no run (204). */
                    filter?: string;
                    /** @description The run input: a JSONata mapping over `{ body, applicationProperties, messageId, subject }`. Default: the body. */
                    input?: string | {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /**
                     * @description A message whose run could not be committed this many times is dead-lettered.
                     * @default 5
                     */
                    maxDeliveryAttempts?: number;
                    /** @description Unique among the workflow’s triggers; generated when absent. */
                    name?: string;
                    queue?: string;
                    /**
                     * @description When a new secret is given on update: seconds the previous one stays valid, so senders can move over.
                     * @default 3600
                     */
                    secretOverlapSeconds?: number;
                    subscription?: string;
                    topic?: string;
                    /** @constant */
                    type: "service-bus";
                };
            };
        };
        responses: {
            /** @description Created (the secret is never returned) */
            201: {
                headers: {
                    /** @description URL of the trigger */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trigger */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The header naming each delivery (e.g. `X-GitHub-Delivery`); it becomes the run’s idempotency key, so a redelivery starts no second run. */
                    deliveryIdHeader?: string;
                    /** @default true */
                    enabled?: boolean;
                    /** @description A JSONata expression over `{ body, headers, query }`; an event for which it is not true starts no run (204). */
                    filter?: string;
                    /**
                     * @description `json`: one delivery is one event. `event-grid`: Event Grid or CloudEvents schema, validation handshakes answered, one run per event. `graph` / `business-central`: `validationToken` echoed, one run per notification in `value`.
                     * @default json
                     * @enum {string}
                     */
                    format?: "json" | "event-grid" | "graph" | "business-central";
                    /** @description The run input: a JSONata mapping (`{{ … }}`, as in task inputs) over `{ body, headers, query }`; must give an object. Default: the body. */
                    input?: string | {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /** @description Largest body accepted (default and ceiling: the host’s MAX_BODY_BYTES). */
                    maxBodyBytes?: number;
                    /** @description Unique among the workflow’s triggers; generated when absent. */
                    name?: string;
                    /**
                     * @description Deliveries accepted per minute on each control-plane instance; more are answered 429.
                     * @default 600
                     */
                    rateLimitPerMinute?: number;
                    /**
                     * @description `async`: 202 with the run id. `sync`: wait up to `syncTimeoutSeconds` for the run and answer 200 with its output, else 202.
                     * @default async
                     * @enum {string}
                     */
                    respond?: "async" | "sync";
                    /**
                     * @description When a new secret is given on update: seconds the previous one stays valid, so senders can move over.
                     * @default 3600
                     */
                    secretOverlapSeconds?: number;
                    /** @default 10 */
                    syncTimeoutSeconds?: number;
                    /** @constant */
                    type: "webhook";
                    /** @description How a delivery proves it comes from the sender: a signature, a shared token, Entra sign-in, or the clientState of a Graph / Business Central subscription. */
                    verification: {
                        /**
                         * @description How the signature is written: hex (GitHub) or base64 (Shopify).
                         * @default hex
                         * @enum {string}
                         */
                        encoding?: "hex" | "base64";
                        /** @description The header carrying the signature, e.g. `X-Hub-Signature-256` (GitHub), `X-Shopify-Hmac-Sha256`. */
                        header: string;
                        /**
                         * @description Text before the signature in the header, e.g. `sha256=` (GitHub).
                         * @default
                         */
                        prefix?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /** @constant */
                        type: "hmac";
                    } | {
                        /**
                         * @description The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
                         * @default Stripe-Signature
                         */
                        header?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /**
                         * @description Deliveries whose timestamp is further than this from now are refused.
                         * @default 300
                         */
                        toleranceSeconds?: number;
                        /** @constant */
                        type: "stripe-style";
                    } | {
                        /** @description The header carrying the token, e.g. `aeg-sas-key` or `X-Webhook-Token`. */
                        header?: string;
                        /** @description Or: the query parameter carrying the token (put it in the URL you give the sender). */
                        query?: string;
                        /** @description Write-only. Sealed with AES-256-GCM envelope encryption; never returned. */
                        secret?: string;
                        /** @constant */
                        type: "token";
                    } | {
                        /** @constant */
                        type: "entra";
                    } | {
                        /** @description The `clientState` given when the Graph or Business Central subscription was created. */
                        secret?: string;
                        /** @constant */
                        type: "client-state";
                    };
                } | {
                    /** @description Write-only: the Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…). */
                    connectionString?: string;
                    /** @default true */
                    enabled?: boolean;
                    /** @description A JSONata expression over `{ body, headers, query }`; an event for which it is not true starts no run (204). */
                    filter?: string;
                    /** @description The run input: a JSONata mapping over `{ body, applicationProperties, messageId, subject }`. Default: the body. */
                    input?: string | {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    /**
                     * @description A message whose run could not be committed this many times is dead-lettered.
                     * @default 5
                     */
                    maxDeliveryAttempts?: number;
                    /** @description Unique among the workflow’s triggers; generated when absent. */
                    name?: string;
                    queue?: string;
                    /**
                     * @description When a new secret is given on update: seconds the previous one stays valid, so senders can move over.
                     * @default 3600
                     */
                    secretOverlapSeconds?: number;
                    subscription?: string;
                    topic?: string;
                    /** @constant */
                    type: "service-bus";
                };
            };
        };
        responses: {
            /** @description The trigger */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerView"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTrigger: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTriggerDeliveries: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
                triggerId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deliveries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TriggerDeliveryList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWorkflowVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowVersionList"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    diffWorkflowVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                a: number;
                b: number;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The difference */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowVersionDiff"];
                };
            };
            /** @description An error */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
