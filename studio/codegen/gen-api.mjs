// `npm run gen:api`: builds the OpenAPI document from the compiled route table (dist/, built by
// build:server first) and writes studio/src/api/schema.d.ts.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { renderApiTypes } from './api-types.mjs';

const require = createRequire(import.meta.url);
const { routes } = require('../../dist/functions/routes.js');
const { openApiDocument } = require('../../dist/functions/handlers/system.js');
const out = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
writeFileSync(out, await renderApiTypes(openApiDocument(routes)));
console.log(`wrote ${out} (${routes.length} routes)`);
