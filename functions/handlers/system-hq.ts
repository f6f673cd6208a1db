/** `GET /api/hq/system`: queue depth, workers seen in the last minute, runs by state (admins). */
import { SystemStatus } from '../../shared/domain/system-status-api';
import { systemStatus } from '../../shared/engine/system-status';
import { defineRoute } from '../http-kit';

export const hqSystem = defineRoute({
  name: 'hqSystem',
  method: 'GET',
  route: 'hq/system',
  summary: 'Queue depth, oldest pending run, live workers and runs by state',
  tags: ['hq'],
  role: 'admin',
  responses: {
    200: { description: 'System status', schema: SystemStatus },
    503: { description: 'The queue or the database is unavailable' },
  },
  async handle({ platform, principal }) {
    return { status: 200, body: await systemStatus(platform, principal) };
  },
});
