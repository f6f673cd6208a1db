/**
 * The project every page is scoped to: the one chosen in the switcher, else the organisation's
 * default project (null in the store means "the default", resolved here from /api/projects).
 */
import { useQuery } from '@tanstack/react-query';
import { listProjects } from '../services/api';
import { useProjectStore } from './project-store';

export function useCurrentProject(): { projectId: string | undefined; ready: boolean } {
  const chosen = useProjectStore((s) => s.projectId);
  const projects = useQuery({ queryKey: ['projects'], queryFn: listProjects, staleTime: 60_000 });
  if (chosen) return { projectId: chosen, ready: true };
  // If projects cannot be listed, pages still load (unscoped) and show their own errors.
  return { projectId: projects.data?.items.find((p) => p.isDefault)?.id, ready: projects.isSuccess || projects.isError };
}
