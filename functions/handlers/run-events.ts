/** The live feed of a run: Server-Sent Events streamed through Azure Functions HTTP streaming. */
import { IdParams } from '../../shared/domain/api';
import { openRunEvents } from '../../shared/engine/run-events';
import { defineRoute } from '../http-kit';

export const runEvents = defineRoute({
  name: 'runEvents',
  workflowScope: { param: 'id', via: 'run' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'runs/{id}/events',
  summary: 'Live run progress as Server-Sent Events: snapshot, then run/task changes (with chunk progress), then end',
  tags: ['runs'],
  role: 'viewer',
  params: IdParams,
  responses: {
    200: { description: 'An event stream (text/event-stream): events snapshot, run, task, problem, end', contentType: 'text/event-stream' },
  },
  async handle({ platform, principal, params }) {
    const body = await openRunEvents(platform, principal, params.id);
    return {
      status: 200,
      body,
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
    };
  },
});
