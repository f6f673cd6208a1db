/**
 * "Edit and replay" of a failed run (POST /api/runs/{id}/retry with options): the run's input to
 * edit, which version to use (the run's own, or the latest published — the replay after a fix)
 * and whether to start again from the chosen task or from the first task that did not succeed.
 * The server checks the edited input against the chosen version's input schema; its problems are
 * shown here and nothing is rerun.
 */
import { useId, useState } from 'react';
import { parseJson } from './definition-editor';
import { RequestProblems } from './states';
import type { Schemas } from '../services/api';

export type RetryOptions = Partial<Schemas['RetryRunBody']>;

export interface ReplayFormProps {
  input: unknown;
  taskKey: string;
  runVersion: number;
  latestVersion: number | null;
  pending: boolean;
  error: Error | null;
  onReplay(options: RetryOptions): void;
  onClose(): void;
}

export function ReplayForm({ input, taskKey, runVersion, latestVersion, pending, error, onReplay, onClose }: ReplayFormProps) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(input ?? {}, null, 2));
  const [version, setVersion] = useState<'same' | 'latest'>(latestVersion !== null && latestVersion > runVersion ? 'latest' : 'same');
  const [fromHere, setFromHere] = useState(true);
  const parsed = parseJson(text);
  const value = 'value' in parsed && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? parsed.value : null;
  const original = JSON.stringify(input ?? {});
  return (
    <form
      className="replay-form"
      aria-label={`Edit and replay from task ${taskKey}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!value) return;
        onReplay({
          version,
          ...(JSON.stringify(value) !== original ? { input: value as RetryOptions['input'] } : {}),
          ...(fromHere ? { fromTask: taskKey } : {}),
        });
      }}
    >
      <h4>Edit and replay</h4>
      <div className="field">
        <label htmlFor={`${id}-input`}>Input of the replay (JSON)</label>
        <textarea
          id={`${id}-input`}
          className="code"
          rows={6}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={!value}
        />
        {!value && (
          <p className="problems">
            {'issue' in parsed ? `${parsed.issue.path}: ${parsed.issue.message}` : 'The input must be a JSON object.'}
          </p>
        )}
      </div>
      <fieldset className="group">
        <legend>Version</legend>
        <label className="check">
          <input type="radio" name={`${id}-v`} checked={version === 'same'} onChange={() => setVersion('same')} /> the run's version (
          {runVersion})
        </label>
        <label className="check">
          <input type="radio" name={`${id}-v`} checked={version === 'latest'} onChange={() => setVersion('latest')} /> the latest published
          version{latestVersion !== null ? ` (${latestVersion})` : ''}: after a fix
        </label>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={fromHere} onChange={(e) => setFromHere(e.target.checked)} /> start from task {taskKey} (the tasks
        before it keep their outputs); unticked, from the first task that did not succeed
      </label>
      {error && <RequestProblems error={error} />}
      <div className="actions">
        <button type="submit" disabled={!value || pending}>
          {pending ? 'Replaying…' : 'Replay'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
