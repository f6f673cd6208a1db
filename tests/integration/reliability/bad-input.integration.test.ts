/**
 * Bad input, generated (fast-check) and sent over HTTP to the real handlers on real PostgreSQL:
 * malformed JSON, wrong types, unknown fields, deep nesting and bodies over the size limit each
 * get a 4xx problem+json, never a 5xx, and leave no row behind. The definition schema itself is
 * checked to never throw on arbitrary JSON.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowDefinition } from '../../../shared/domain/workflow-definition';
import { containsNul } from '../../../functions/http-kit';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let workflowId: string;
const MAX_BODY = 16_384;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { MAX_BODY_BYTES: String(MAX_BODY) } });
  host = await startTestHost(platform);
  workflowId = (
    await api(host.url, 'POST', '/api/workflows', {
      name: 'target',
      inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    })
  ).body.id;
});

afterAll(async () => {
  await host.close();
  await platform.close();
});

/** Row counts of everything a bad request could have half-written. */
async function rows(): Promise<string> {
  const { rows: r } = await platform.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM workflows) w, (SELECT count(*) FROM workflow_versions) v, (SELECT count(*) FROM workflow_runs) r,
            (SELECT count(*) FROM task_runs) t, (SELECT count(*) FROM schedules) s, (SELECT count(*) FROM audit_log) a`,
  );
  return JSON.stringify(r[0]);
}

const TARGETS = () => [
  { method: 'POST', path: '/api/workflows' },
  { method: 'PUT', path: `/api/workflows/${workflowId}` },
  { method: 'POST', path: `/api/workflows/${workflowId}/runs` },
  { method: 'POST', path: `/api/workflows/${workflowId}/schedules` },
];

async function expectRejected(method: string, path: string, body: string, statuses: number[]) {
  const r = await api(host.url, method, path, body, { 'content-type': 'application/json' });
  expect(statuses, `${method} ${path} ${body.slice(0, 200)} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(typeof r.body.code).toBe('string');
  return r;
}

describe('the definition schema on arbitrary JSON', () => {
  it('never throws, and whatever it accepts it accepts again', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const r = WorkflowDefinition.safeParse(v);
        return !r.success || WorkflowDefinition.safeParse(JSON.parse(JSON.stringify(r.data))).success;
      }),
      { numRuns: 500 },
    );
  });
});

describe('bad bodies over HTTP', () => {
  it('malformed JSON → 400, nothing written', async () => {
    const before = await rows();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return s.trim() !== '';
          }
        }),
        fc.constantFrom(...TARGETS()),
        async (text, t) => {
          const r = await expectRejected(t.method, t.path, text, [400]);
          expect(r.body.code).toBe('malformed_json');
        },
      ),
      { numRuns: 60 },
    );
    expect(await rows()).toBe(before);
  });

  it('any JSON of the wrong shape, wrong types or unknown fields → 4xx, nothing written', async () => {
    const before = await rows();
    const wrong = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      // Almost right: a valid body with one field of the wrong type or one field too many.
      fc.record({
        name: fc.oneof(
          fc.integer(),
          fc.constant(''),
          fc.string({ maxLength: 3 }).map((s) => `${s}!@#`),
        ),
        tasks: fc.constant([{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }]),
      }),
      fc.record({ name: fc.constant('x'), tasks: fc.constant([]) }),
      fc
        .dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['name', 'tasks', 'input', 'cron'].includes(k)),
          fc.jsonValue({ maxDepth: 2 }),
          { minKeys: 1, maxKeys: 3 },
        )
        .map((extra) => ({
          name: 'extra-fields',
          tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }],
          input: { n: 1 },
          cron: '* * * * *',
          ...extra,
        })),
      fc.record({ input: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer()), fc.record({ n: fc.string() })) }),
      fc.record({ cron: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()), timezone: fc.string({ maxLength: 10 }) }),
    );
    await fc.assert(
      fc.asyncProperty(wrong, fc.constantFrom(...TARGETS()), async (body, t) => {
        await expectRejected(t.method, t.path, JSON.stringify(body), [400, 404, 409, 413, 422]);
      }),
      { numRuns: 150 },
    );
    expect(await rows()).toBe(before);
  });

  it('deep nesting → 422 body_too_deep, never a stack overflow', async () => {
    const before = await rows();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 101, max: 4_000 }),
        fc.constantFrom('[', '{"a":'),
        fc.constantFrom(...TARGETS()),
        async (depth, open, t) => {
          const close = open === '[' ? ']' : '}';
          const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
          const body = t.path.endsWith('/runs')
            ? `{"input":{"n":${deep}}}`
            : t.path.endsWith('/schedules')
              ? `{"cron":"* * * * *","input":{"n":${deep}}}`
              : `{"name":"deep","tasks":[{"key":"e","type":"atomic","connector":"platform","operation":"echo","input":{"x":${deep}}}]}`;
          const r = await expectRejected(t.method, t.path, body, [413, 422]);
          if (r.status === 422) expect(r.body.code).toBe('body_too_deep');
        },
      ),
      { numRuns: 30 },
    );
    expect(await rows()).toBe(before);
  });

  it('U+0000 in any string or key → 422 body_contains_nul (jsonb cannot store it), nothing written', async () => {
    const before = await rows();
    const withNul = fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([a, b]) => `${a}\u0000${b}`);
    await fc.assert(
      fc.asyncProperty(withNul, fc.boolean(), fc.constantFrom(...TARGETS()), async (nul, asKey, t) => {
        const value = asKey ? { [nul]: 1 } : { s: nul };
        const body = t.path.endsWith('/runs')
          ? { input: value }
          : t.path.endsWith('/schedules')
            ? { cron: '* * * * *', input: value }
            : { name: 'nul', tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: value }] };
        const r = await expectRejected(t.method, t.path, JSON.stringify(body), [422]);
        expect(r.body.code).toBe('body_contains_nul');
      }),
      { numRuns: 40 },
    );
    expect(await rows()).toBe(before);
    // A backslash followed by "u0000" is an ordinary string: only the character itself is refused.
    expect(containsNul(JSON.parse('{"a":["x\\\\u0000"]}'))).toBe(false);
    expect(containsNul(JSON.parse('{"a":["x\\u0000"]}'))).toBe(true);
  });

  it('bodies over MAX_BODY_BYTES → 413', async () => {
    const before = await rows();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 8 }), fc.constantFrom(...TARGETS()), async (size, t) => {
        const body = `{"input":{"pad":"${'x'.repeat(size)}"}}`;
        const r = await expectRejected(t.method, t.path, body, [413]);
        expect(r.body.code).toBe('body_too_large');
      }),
      { numRuns: 12 },
    );
    expect(await rows()).toBe(before);
  });
});
