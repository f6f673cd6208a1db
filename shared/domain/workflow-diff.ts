/**
 * What changed between two workflow definitions, as the studio shows it: the definition's own
 * fields (name, input schema, output mapping…), and tasks matched by key — added, removed, changed
 * (each changed field with its path, before and after), and the new order when tasks moved.
 */
import type { WorkflowDefinition } from './workflow-definition';

/** One changed value: absent `before` means added, absent `after` means removed. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface DefinitionDiff {
  fields: FieldChange[];
  tasks: {
    added: Array<{ key: string; position: number }>;
    removed: Array<{ key: string; position: number }>;
    changed: Array<{ key: string; changes: FieldChange[] }>;
    /** The task keys in order before and after, when the tasks both sides have changed places; else null. */
    order: { before: string[]; after: string[] } | null;
  };
  identical: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Canonical JSON (keys sorted): values equal as JSON are equal here, whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    isObject(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** The leaves that differ: objects are compared key by key; arrays and scalars as whole values. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    for (const k of Object.keys(before)) {
      if (!Object.hasOwn(after, k)) out.push({ path: join(path, k), before: before[k] });
      else out.push(...diffValues(before[k], after[k], join(path, k)));
    }
    for (const k of Object.keys(after)) if (!Object.hasOwn(before, k)) out.push({ path: join(path, k), after: after[k] });
    return out;
  }
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, after }];
  if (after === undefined) return [{ path, before }];
  return canonical(before) === canonical(after) ? [] : [{ path, before, after }];
}

/** The structured difference from definition `a` to definition `b`. */
export function diffDefinitions(a: WorkflowDefinition, b: WorkflowDefinition): DefinitionDiff {
  const { tasks: tasksA, ...restA } = a;
  const { tasks: tasksB, ...restB } = b;
  const fields = diffValues(restA, restB);
  const keysA = tasksA.map((t) => t.key);
  const keysB = tasksB.map((t) => t.key);
  const inB = new Map(tasksB.map((t, i) => [t.key, { t, i }]));
  const inA = new Map(tasksA.map((t, i) => [t.key, { t, i }]));
  const added = keysB.flatMap((k, position) => (inA.has(k) ? [] : [{ key: k, position }]));
  const removed = keysA.flatMap((k, position) => (inB.has(k) ? [] : [{ key: k, position }]));
  const changed = tasksA.flatMap((t) => {
    const other = inB.get(t.key);
    if (!other) return [];
    const changes = diffValues(t, other.t);
    return changes.length ? [{ key: t.key, changes }] : [];
  });
  const keptA = keysA.filter((k) => inB.has(k));
  const keptB = keysB.filter((k) => inA.has(k));
  const order = keptA.join('\u0000') === keptB.join('\u0000') ? null : { before: keysA, after: keysB };
  return {
    fields,
    tasks: { added, removed, changed, order },
    identical: !fields.length && !added.length && !removed.length && !changed.length && !order,
  };
}
