/** Project routes: list, read, create. */
import { IdParams } from '../../shared/domain/api';
import { CreateProjectBody, ProjectList, ProjectView } from '../../shared/domain/workers-api';
import * as projects from '../../shared/engine/projects-service';
import { registerSchema } from '../../shared/http/openapi';
import { defineRoute } from '../http-kit';

registerSchema('ProjectView', ProjectView);
registerSchema('ProjectList', ProjectList);

export const listProjects = defineRoute({
  name: 'listProjects',
  method: 'GET',
  route: 'projects',
  summary: 'List the projects of the organisation (the default first)',
  tags: ['projects'],
  role: 'viewer',
  responses: { 200: { description: 'Projects', schema: ProjectList } },
  async handle({ platform, principal }) {
    return { status: 200, body: await projects.listProjects(platform, principal) };
  },
});

export const createProject = defineRoute({
  name: 'createProject',
  method: 'POST',
  route: 'projects',
  summary: 'Create a project',
  tags: ['projects'],
  role: 'admin',
  body: CreateProjectBody,
  responses: { 201: { description: 'Created', schema: ProjectView, headers: { Location: 'URL of the project' } } },
  async handle({ platform, principal, body }) {
    const p = await projects.createProject(platform, principal, body);
    return { status: 201, body: p, headers: { Location: `/api/projects/${p.id}` } };
  },
});

export const getProject = defineRoute({
  name: 'getProject',
  method: 'GET',
  route: 'projects/{id}',
  summary: 'Read a project',
  tags: ['projects'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The project', schema: ProjectView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await projects.getProject(platform, principal, params.id) };
  },
});
