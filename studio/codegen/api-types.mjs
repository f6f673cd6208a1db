// Renders the studio's typed API client types (studio/src/api/schema.d.ts) from the control
// plane's OpenAPI document. Used by `npm run gen:api` and by the test that fails when the
// checked-in file is stale, so both produce byte-identical text.
import openapiTS, { astToString } from 'openapi-typescript';

export const HEADER =
  "/**\n * Generated from the control plane's OpenAPI document by `npm run gen:api`. Do not edit:\n * a test fails when this file is stale against functions/routes.ts.\n */\n\n";

/** @param {Record<string, unknown>} doc the OpenAPI 3.1 document */
export async function renderApiTypes(doc) {
  const ast = await openapiTS(/** @type {any} */ (doc), { alphabetize: true });
  return HEADER + astToString(ast);
}
