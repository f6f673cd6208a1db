/**
 * Testing the selected task on its own, from the builder (POST /api/workflows/{id}/tasks/{key}/test):
 * with the data typed here (`input` and earlier `steps` for the task's mapping), with the task's pin,
 * or with a previous run's input and step outputs. The server tests the draft's task, so the text
 * being edited is saved as the draft first (`prepare`). The test run is polled until it ends and
 * its output or error is shown. Pins (GET/PUT /api/workflows/{id}/draft/pins) are kept with the
 * draft: "Pin this data" stores the data for this task, replacing only this task's pin.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { parseJson } from '../components/definition-editor';
import { JsonView } from '../components/json-view';
import { RequestProblems } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import {
  ApiError,
  getDraftPins,
  getRun,
  listRuns,
  putDraftPins,
  testWorkflowStep,
  type DraftPins,
  type TestStepData,
} from '../services/api';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface StepTestProps {
  workflowId: string;
  taskKey: string;
  /** Saves the text being edited as the draft, so the test and the pins are about what is on screen. */
  prepare(): Promise<void>;
}

/** The data a test uses from a previous run: its input, and every other task's output it left. */
export function dataFromRun(
  run: { input?: unknown; tasks: ReadonlyArray<{ key: string; status: string; output?: unknown }> },
  taskKey: string,
): TestStepData {
  const steps = Object.fromEntries(
    run.tasks
      .filter((t) => t.key !== taskKey && (t.status === 'SUCCEEDED' || t.status === 'FAILED') && t.output != null)
      .map((t) => [t.key, t.output]),
  );
  const input = run.input && typeof run.input === 'object' && !Array.isArray(run.input) ? run.input : {};
  return { input, steps } as TestStepData;
}

const pretty = (d: TestStepData) => JSON.stringify(d, null, 2);

export function StepTest({ workflowId, taskKey, prepare }: StepTestProps) {
  const id = useId();
  const qc = useQueryClient();
  const pins = useQuery({
    queryKey: ['pins', workflowId],
    queryFn: () =>
      getDraftPins(workflowId).then(
        (p) => p.pins as DraftPins,
        (e: unknown) => (e instanceof ApiError && e.status === 404 ? ({} as DraftPins) : Promise.reject(e)),
      ),
  });
  const pin = pins.data?.[taskKey];
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? pretty((pin as TestStepData | undefined) ?? { input: {}, steps: {} });
  const parsed = parseJson(shown);
  const data = 'value' in parsed && parsed.value && typeof parsed.value === 'object' ? (parsed.value as TestStepData) : null;
  const runs = useQuery({ queryKey: ['runs', { workflowId, limit: 10 }], queryFn: () => listRuns({ workflowId, limit: 10 }) });
  const earlier = (runs.data?.items ?? []).filter((r) => r.trigger !== 'test');
  const [testRunId, setTestRunId] = useState<string | null>(null);

  const fromRun = useMutation({
    mutationFn: (runId: string) => getRun(runId),
    onSuccess: (run) => setText(pretty(dataFromRun(run, taskKey))),
  });
  const test = useMutation({
    mutationFn: async (body: TestStepData) => {
      await prepare();
      return testWorkflowStep(workflowId, taskKey, body);
    },
    onSuccess: (r) => setTestRunId(r.id),
  });
  const savePin = useMutation({
    mutationFn: async (next: TestStepData | null) => {
      await prepare();
      const current = (await getDraftPins(workflowId)).pins as DraftPins;
      const { [taskKey]: _old, ...others } = current;
      return putDraftPins(workflowId, next ? { ...others, [taskKey]: next } : others);
    },
    onSuccess: (p) => {
      qc.setQueryData(['pins', workflowId], p.pins);
      setText(null);
    },
  });
  const result = useQuery({
    queryKey: ['run', testRunId],
    queryFn: () => getRun(testRunId!),
    enabled: !!testRunId,
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : 500),
  });
  const outcome = result.data?.tasks[0];
  const busy = test.isPending || savePin.isPending;

  return (
    <section className="step-test" aria-label={`Step test: ${taskKey}`}>
      <h3>Test this step</h3>
      <p className="help">
        Runs only this task, with the data below read by its input mapping as <code>input</code> and <code>steps</code>; nothing else
        starts. The text above is saved as the draft first.
      </p>
      <div className="field">
        <label htmlFor={`${id}-run`}>Take the data from a run</label>
        <select
          id={`${id}-run`}
          value=""
          disabled={!earlier.length || fromRun.isPending}
          onChange={(e) => e.target.value && fromRun.mutate(e.target.value)}
        >
          <option value="">{earlier.length ? 'Choose a run…' : 'No run yet'}</option>
          {earlier.map((r) => (
            <option key={r.id} value={r.id}>
              {r.status.toLowerCase()} · v{r.workflowVersion} · {new Date(r.createdAt).toLocaleString()}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-data`}>Test data (JSON)</label>
        <textarea
          id={`${id}-data`}
          className="code"
          rows={5}
          value={shown}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={!data}
          aria-describedby={`${id}-pin`}
        />
        {'issue' in parsed && (
          <p className="problems">
            {parsed.issue.path}: {parsed.issue.message}
          </p>
        )}
        <p className="help" id={`${id}-pin`}>
          {pin ? 'This task has pinned data (kept with the draft).' : 'No data pinned for this task.'}
          {pin && text !== null && text !== pretty(pin as TestStepData) ? ' The text differs from the pin.' : ''}
        </p>
      </div>
      <div className="actions">
        <button type="button" disabled={!data || busy} onClick={() => data && test.mutate(data)}>
          {test.isPending ? 'Starting test…' : 'Test step'}
        </button>
        {pin && (
          <button type="button" className="secondary" disabled={busy} onClick={() => test.mutate({})}>
            Test with the pin
          </button>
        )}
        <button type="button" className="secondary" disabled={!data || busy} onClick={() => data && savePin.mutate(data)}>
          Pin this data
        </button>
        {pin && (
          <button type="button" className="secondary" disabled={busy} onClick={() => savePin.mutate(null)}>
            Remove pin
          </button>
        )}
      </div>
      {savePin.isSuccess && !savePin.isPending && (
        <p role="status" className="ok-line">
          {pins.data?.[taskKey] ? 'Data pinned to this task.' : 'Pin removed.'}
        </p>
      )}
      {[test, savePin, fromRun].map((m, i) => (m.isError ? <RequestProblems key={i} error={m.error} /> : null))}
      {testRunId && (
        <div className="step-result" role="region" aria-label={`Step test result: ${taskKey}`} aria-live="polite">
          <p>
            <StatusBadge status={result.data?.status ?? 'PENDING'} /> <span className="small muted">test run {testRunId.slice(0, 8)}</span>
          </p>
          {outcome?.error && (
            <p className="task-error">
              <strong>{outcome.error.code}</strong>: {outcome.error.message}
            </p>
          )}
          {result.data?.status === 'SUCCEEDED' && <JsonView value={outcome?.output} label={`Step test output: ${taskKey}`} />}
        </div>
      )}
    </section>
  );
}
