/**
 * Connectors and business objects belong to one organisation and project: another organisation
 * never sees, changes or resolves them, and the same names live side by side.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bo from '../../../shared/business-objects/business-objects-service';
import * as connectors from '../../../shared/connectors/connectors-service';
import { NotFoundError } from '../../../shared/domain/errors';
import { DEV_ORG_ID, DEV_PROJECT_ID, ensureOrganisation } from '../../../shared/store/organisations';
import { createTestPlatform, type TestPlatform } from '../../helpers/test-platform';

let platform: TestPlatform;
const ORG_B = randomUUID();
const PROJECT_B = randomUUID();
const a = { orgId: DEV_ORG_ID, actor: { type: 'user' as const, id: 'alice' } };
const b = { orgId: ORG_B, actor: { type: 'user' as const, id: 'bob' } };

beforeAll(async () => {
  platform = await createTestPlatform({ env: { CONNECTOR_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  await ensureOrganisation(platform.db, { id: ORG_B, name: 'Other', defaultProjectId: PROJECT_B });
});
afterAll(() => platform?.close());

const deps = () => ({
  db: platform.db,
  registry: platform.registry,
  secretBox: platform.secretBox,
  network: platform.network,
  logger: platform.logger,
});
const body = (password: string) => ({
  name: 'erp',
  systemType: 'postgres',
  settings: { host: '127.0.0.1', database: 'test', user: 'postgres', ssl: 'disable' as const },
  secrets: { password },
});

describe('tenancy of connectors', () => {
  it('keeps each organisation’s connector (and its secrets) to itself', async () => {
    const mine = await connectors.createConnector(deps(), a, body('alice-pw'));
    const theirs = await connectors.createConnector(deps(), b, body('bob-pw'));
    expect(theirs.projectId).toBe(PROJECT_B);
    await expect(connectors.getConnector(deps(), b, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(connectors.updateConnector(deps(), b, mine.id, body('x'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(connectors.deleteConnector(deps(), b, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(connectors.testConnector(deps(), b, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await connectors.listConnectors(deps(), b)).items.map((c) => c.id)).toEqual([theirs.id]);
    expect((await platform.connectors.find(DEV_ORG_ID, DEV_PROJECT_ID, 'erp'))?.secrets).toEqual({ password: 'alice-pw' });
    expect((await platform.connectors.find(ORG_B, PROJECT_B, 'erp'))?.secrets).toEqual({ password: 'bob-pw' });
    // Another org's project id does not reach across either.
    expect(await platform.connectors.find(ORG_B, DEV_PROJECT_ID, 'erp')).toBeNull();
  });

  it('refuses a sealed value copied onto another organisation’s row', async () => {
    const { rows } = await platform.db.query<{ id: string; org_id: string }>(
      'SELECT id, org_id FROM connectors ORDER BY org_id = $1::uuid',
      [ORG_B],
    );
    await platform.db.query(
      'UPDATE connectors SET sealed_secrets = (SELECT sealed_secrets FROM connectors WHERE id = $1::uuid) WHERE id = $2::uuid',
      [rows[0]!.id, rows[1]!.id],
    );
    await expect(platform.connectors.find(ORG_B, PROJECT_B, 'erp')).rejects.toMatchObject({ code: 'connector_secrets_undecryptable' });
  });
});

describe('tenancy of business objects', () => {
  it('keeps types and records to their organisation', async () => {
    const schema = { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer' } }, required: ['id'] };
    await bo.createType(platform.db, a, { name: 'Thing', schema, keyField: 'id' });
    await bo.createType(platform.db, b, { name: 'Thing', schema, keyField: 'id' });
    await bo.createRecord(platform.db, a, 'Thing', undefined, { id: 'k1', v: 1 });
    await expect(bo.getRecord(platform.db, b, 'Thing', undefined, 'k1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(bo.deleteRecord(platform.db, b, 'Thing', undefined, 'k1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await bo.listRecords(platform.db, b, 'Thing', { filter: null, limit: 10 })).items).toEqual([]);
    await expect(bo.getType(platform.db, b, 'Thing', DEV_PROJECT_ID)).rejects.toBeInstanceOf(NotFoundError);
    expect((await bo.getRecord(platform.db, a, 'Thing', undefined, 'k1')).data).toEqual({ id: 'k1', v: 1 });
  });
});
