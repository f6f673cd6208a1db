/** Business object type and record routes. */
import {
  BusinessObjectKeyParams,
  BusinessObjectList,
  BusinessObjectRecordBody,
  BusinessObjectTypeBody,
  BusinessObjectTypeList,
  BusinessObjectTypeParams,
  BusinessObjectTypeUpdateBody,
  BusinessObjectTypeView,
  BusinessObjectView,
  ListBusinessObjectsQuery,
  ProjectQuery,
} from '../../shared/domain/business-objects-api';
import * as bo from '../../shared/business-objects/business-objects-service';
import { registerSchema } from '../../shared/http/openapi';
import { defineRoute } from '../http-kit';

registerSchema('BusinessObjectTypeBody', BusinessObjectTypeBody);
registerSchema('BusinessObjectTypeView', BusinessObjectTypeView);
registerSchema('BusinessObjectTypeList', BusinessObjectTypeList);
registerSchema('BusinessObjectView', BusinessObjectView);
registerSchema('BusinessObjectList', BusinessObjectList);

export const createBusinessObjectType = defineRoute({
  name: 'createBusinessObjectType',
  method: 'POST',
  route: 'business-object-types',
  summary: 'Create a business object type (JSON Schema + key field)',
  tags: ['business-objects'],
  role: 'editor',
  body: BusinessObjectTypeBody,
  responses: { 201: { description: 'Created', schema: BusinessObjectTypeView, headers: { Location: 'URL of the type' } } },
  async handle({ platform, principal, body }) {
    const t = await bo.createType(platform.db, principal, body);
    return { status: 201, body: t, headers: { Location: `/api/business-object-types/${t.name}?projectId=${t.projectId}` } };
  },
});

export const listBusinessObjectTypes = defineRoute({
  name: 'listBusinessObjectTypes',
  method: 'GET',
  route: 'business-object-types',
  summary: 'List the business object types of a project',
  tags: ['business-objects'],
  role: 'viewer',
  query: ProjectQuery,
  responses: { 200: { description: 'Types', schema: BusinessObjectTypeList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await bo.listTypes(platform.db, principal, query.projectId) };
  },
});

export const getBusinessObjectType = defineRoute({
  name: 'getBusinessObjectType',
  method: 'GET',
  route: 'business-object-types/{type}',
  summary: 'Read a business object type',
  tags: ['business-objects'],
  role: 'viewer',
  params: BusinessObjectTypeParams,
  query: ProjectQuery,
  responses: { 200: { description: 'The type', schema: BusinessObjectTypeView } },
  async handle({ platform, principal, params, query }) {
    return { status: 200, body: await bo.getType(platform.db, principal, params.type, query.projectId) };
  },
});

export const updateBusinessObjectType = defineRoute({
  name: 'updateBusinessObjectType',
  method: 'PUT',
  route: 'business-object-types/{type}',
  summary: 'Replace a type’s schema (the key field cannot change); records are validated on their next write',
  tags: ['business-objects'],
  role: 'editor',
  params: BusinessObjectTypeParams,
  query: ProjectQuery,
  body: BusinessObjectTypeUpdateBody,
  responses: { 200: { description: 'The type', schema: BusinessObjectTypeView } },
  async handle({ platform, principal, params, query, body }) {
    return { status: 200, body: await bo.updateType(platform.db, principal, params.type, query.projectId, body) };
  },
});

export const createBusinessObject = defineRoute({
  name: 'createBusinessObject',
  method: 'POST',
  route: 'business-objects/{type}',
  summary: 'Create a record (409 when its key exists); validated against the type’s schema',
  tags: ['business-objects'],
  role: 'operator',
  params: BusinessObjectTypeParams,
  query: ProjectQuery,
  body: BusinessObjectRecordBody,
  responses: { 201: { description: 'Created', schema: BusinessObjectView, headers: { Location: 'URL of the record' } } },
  async handle({ platform, principal, params, query, body }) {
    const r = await bo.createRecord(platform.db, principal, params.type, query.projectId, body);
    return { status: 201, body: r, headers: { Location: `/api/business-objects/${params.type}/${encodeURIComponent(r.key)}` } };
  },
});

export const listBusinessObjects = defineRoute({
  name: 'listBusinessObjects',
  method: 'GET',
  route: 'business-objects/{type}',
  summary: 'List records in key order; filter by containment, keyset paging with cursor',
  tags: ['business-objects'],
  role: 'viewer',
  params: BusinessObjectTypeParams,
  query: ListBusinessObjectsQuery,
  responses: { 200: { description: 'Records', schema: BusinessObjectList } },
  async handle({ platform, principal, params, query }) {
    return {
      status: 200,
      body: await bo.listRecords(platform.db, principal, params.type, {
        projectId: query.projectId,
        filter: bo.parseFilter(query.filter),
        limit: query.limit,
        cursor: query.cursor,
      }),
    };
  },
});

export const getBusinessObject = defineRoute({
  name: 'getBusinessObject',
  method: 'GET',
  route: 'business-objects/{type}/{key}',
  summary: 'Read a record by key',
  tags: ['business-objects'],
  role: 'viewer',
  params: BusinessObjectKeyParams,
  query: ProjectQuery,
  responses: { 200: { description: 'The record', schema: BusinessObjectView } },
  async handle({ platform, principal, params, query }) {
    return { status: 200, body: await bo.getRecord(platform.db, principal, params.type, query.projectId, params.key) };
  },
});

export const putBusinessObject = defineRoute({
  name: 'putBusinessObject',
  method: 'PUT',
  route: 'business-objects/{type}/{key}',
  summary: 'Create or replace a record by key (idempotent)',
  tags: ['business-objects'],
  role: 'operator',
  params: BusinessObjectKeyParams,
  query: ProjectQuery,
  body: BusinessObjectRecordBody,
  responses: { 200: { description: 'Replaced', schema: BusinessObjectView }, 201: { description: 'Created', schema: BusinessObjectView } },
  async handle({ platform, principal, params, query, body }) {
    const r = await bo.putRecord(platform.db, principal, params.type, query.projectId, params.key, body);
    return { status: r.created ? 201 : 200, body: r.record };
  },
});

export const deleteBusinessObject = defineRoute({
  name: 'deleteBusinessObject',
  method: 'DELETE',
  route: 'business-objects/{type}/{key}',
  summary: 'Delete a record by key',
  tags: ['business-objects'],
  role: 'operator',
  params: BusinessObjectKeyParams,
  query: ProjectQuery,
  responses: { 204: { description: 'Deleted' } },
  async handle({ platform, principal, params, query }) {
    await bo.deleteRecord(platform.db, principal, params.type, query.projectId, params.key);
    return { status: 204 };
  },
});
