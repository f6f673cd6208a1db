// Writes schemas/workflow.json (the JSON Schema of a workflow file, shipped in the package) from the
// compiled definition schema; run by build:server after tsc. tests/integration/workflow-schema.integration.test.ts
// checks the committed file, the served document and a fresh generation are the same text.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { workflowJsonSchemaText } = require('../dist/shared/domain/workflow-json-schema.js');
mkdirSync('schemas', { recursive: true });
writeFileSync('schemas/workflow.json', workflowJsonSchemaText());
