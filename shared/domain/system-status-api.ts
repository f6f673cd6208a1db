/** The body of `GET /api/hq/system`, declared once (handler, types and OpenAPI come from it). */
import { z } from 'zod';
import { registerSchema } from './schema-registry';

export const SystemStatus = z
  .object({
    queue: z.object({
      backend: z.enum(['redis', 'embedded']),
      depth: z.number().int().describe('Run messages waiting (the whole platform).'),
    }),
    workers: z
      .object({
        seenLastMinute: z.number().int(),
        items: z.array(z.object({ workerId: z.string(), heartbeatExpiresAt: z.iso.datetime(), alive: z.boolean() })),
      })
      .describe('Workers whose heartbeat was valid at some moment in the last minute (the whole platform).'),
    runs: z
      .object({
        byStatus: z.object({
          PENDING: z.number().int(),
          RUNNING: z.number().int(),
          WAITING: z.number().int(),
          SUCCEEDED: z.number().int(),
          FAILED: z.number().int(),
          CANCELLED: z.number().int(),
        }),
        oldestPendingAgeSeconds: z.number().nullable().describe('Age of the oldest PENDING run; null when none is waiting.'),
        waiting: z
          .array(
            z.object({
              kind: z.enum(['signal', 'event', 'time', 'approval']),
              count: z.number().int(),
              oldestSince: z.iso.datetime().nullable(),
            }),
          )
          .describe('Open waits by kind: how many, and since when the oldest waits (WAITING runs hold no worker).'),
      })
      .describe("Runs of the caller's organisation."),
    checkedAt: z.iso.datetime(),
  })
  .describe('Queue, workers and runs at a glance.');
export type SystemStatus = z.infer<typeof SystemStatus>;

registerSchema('SystemStatus', SystemStatus);
