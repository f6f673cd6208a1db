/**
 * The default adapter registry: every adapter the platform ships, in resolution order. Order
 * matters for inference: specific systems (Business Central, Dynamics 365 Finance, Graph, webhooks,
 * Azure Blob) come before the generic ones they could also match, and among the generic
 * connection types the first registered wins (`sql` → PostgreSQL).
 */
import type { AdapterEnvironment } from './adapter';
import { AdapterRegistry } from './resolve-adapter';
import { platformAdapter } from './platform/platform-adapter';
import { businessCentralAdapter } from './erp/business-central-adapter';
import { dynamicsFinanceAdapter } from './finance/dynamics-finance-adapter';
import { webhookAdapter } from './comms/webhook-adapter';
import { blobAdapter } from './platform/blob-adapter';
import { postgresAdapter } from './datasource/postgres-adapter';
import { mysqlAdapter } from './datasource/mysql-adapter';
import { sftpAdapter } from './operational/sftp-adapter';
import { smtpAdapter } from './comms/smtp-adapter';
import { rabbitmqAdapter, mqttAdapter, natsAdapter } from './comms/broker-adapters';
import { httpAdapter } from './platform/http-adapter';
import { serviceBusAdapter } from './comms/service-bus';
import { microsoftGraphAdapter } from './identity/microsoft-graph-adapter';
import { modelAdapter } from './cognitive/model-adapter';
import { documentIntelligenceAdapter } from './cognitive/document-intelligence-adapter';
import { knowledgeAdapter } from './intelligence/knowledge-adapter';
import { searchIndexAdapter } from './intelligence/search-index-adapter';

/** Every built-in adapter registration, in resolution order. */
export const BUILT_IN_ADAPTERS = [
  platformAdapter,
  businessCentralAdapter,
  dynamicsFinanceAdapter,
  microsoftGraphAdapter,
  searchIndexAdapter,
  webhookAdapter,
  blobAdapter,
  postgresAdapter,
  mysqlAdapter,
  sftpAdapter,
  smtpAdapter,
  rabbitmqAdapter,
  mqttAdapter,
  natsAdapter,
  serviceBusAdapter,
  modelAdapter,
  documentIntelligenceAdapter,
  knowledgeAdapter,
  httpAdapter,
] as const;

/** Builds the registry of built-in adapters; adapters connect under `env.network` (default: production policy). */
export function createDefaultRegistry(env?: AdapterEnvironment): AdapterRegistry {
  return new AdapterRegistry(BUILT_IN_ADAPTERS, env);
}
