/**
 * The studio's generated client (studio/src/api/schema.d.ts) must match the OpenAPI document the
 * route table produces now: regenerated in memory and compared. Run `npm run gen:api` to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/handlers/system';
import { routes } from '../../functions/routes';
import { renderApiTypes } from '../../studio/codegen/api-types.mjs';

const CHECKED_IN = join(__dirname, '..', '..', 'studio', 'src', 'api', 'schema.d.ts');

describe('studio API client', () => {
  it('is generated from the current route table (run `npm run gen:api` when this fails)', async () => {
    const fresh = await renderApiTypes(openApiDocument(routes));
    const current = readFileSync(CHECKED_IN, 'utf8');
    if (current !== fresh) {
      const a = current.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(
        `studio/src/api/schema.d.ts is stale against functions/routes.ts (first difference at line ${line + 1}: '${a[line]?.trim()}' vs '${b[line]?.trim()}'). Run \`npm run gen:api\`.`,
      );
    }
    expect(current.startsWith('/**\n * Generated')).toBe(true);
  });

  it('covers every route of the table', async () => {
    const text = readFileSync(CHECKED_IN, 'utf8');
    for (const r of routes) expect(text, r.name).toContain(`"/api/${r.route}": {`);
  });

  it('comes from a document whose every $ref resolves inside it', () => {
    const doc = openApiDocument(routes) as { components: { schemas: Record<string, unknown> } };
    const refs = new Set(JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []);
    for (const ref of refs) expect(ref).toMatch(/^"\$ref":"#\/components\/schemas\/[A-Za-z0-9_]+"$/);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.slice(29, -1));
  });
});
