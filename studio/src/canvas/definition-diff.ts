/**
 * What an edited definition changes against the live one, in the shape of the server's version
 * diff (`GET /api/workflows/{id}/versions/{a}/diff/{b}`): fields outside the tasks, tasks added,
 * removed and changed (by key), and whether the order moved. Computed in the browser because the
 * text being edited is not a version yet.
 */
import type { WorkflowDefinition } from '../services/api';

export interface DefinitionDiff {
  fields: string[];
  added: string[];
  removed: string[];
  changed: Array<{ key: string; fields: string[] }>;
  reordered: boolean;
  identical: boolean;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k) && json(a[k]) !== json(b[k])).sort();
}

export function diffDefinitions(live: WorkflowDefinition, edited: WorkflowDefinition): DefinitionDiff {
  const { projectId: _a, ...l } = live as WorkflowDefinition & { projectId?: string };
  const { projectId: _b, ...e } = edited as WorkflowDefinition & { projectId?: string };
  const fields = changedKeys(l as Record<string, unknown>, e as Record<string, unknown>, new Set(['tasks']));
  const before = new Map(l.tasks.map((t) => [t.key, t as Record<string, unknown>]));
  const after = new Map(e.tasks.map((t) => [t.key, t as Record<string, unknown>]));
  const added = e.tasks.map((t) => t.key).filter((k) => !before.has(k));
  const removed = l.tasks.map((t) => t.key).filter((k) => !after.has(k));
  const changed = e.tasks.flatMap((t) => {
    const old = before.get(t.key);
    if (!old) return [];
    const f = changedKeys(old, t as Record<string, unknown>);
    return f.length ? [{ key: t.key, fields: f }] : [];
  });
  const kept = (ks: string[], other: Map<string, unknown>) => ks.filter((k) => other.has(k));
  const reordered =
    json(
      kept(
        l.tasks.map((t) => t.key),
        after,
      ),
    ) !==
    json(
      kept(
        e.tasks.map((t) => t.key),
        before,
      ),
    );
  return {
    fields,
    added,
    removed,
    changed,
    reordered,
    identical: !fields.length && !added.length && !removed.length && !changed.length && !reordered,
  };
}
