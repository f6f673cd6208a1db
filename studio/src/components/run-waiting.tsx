/** Why a run is waiting, as the API explains it (GET /api/runs/{id} → `waiting`): one sentence, runs named as links. */
import { Link } from 'react-router';
import type { RunView } from '../services/api';

type Waiting = NonNullable<RunView['waiting']>;

/** Shown while the run is PENDING, or RUNNING with its worker lost or a call waiting for a connector slot; nothing otherwise. */
export function RunWaiting({ status, waiting }: { status: string; waiting: RunView['waiting'] }) {
  if (!waiting) return null;
  if (status !== 'PENDING' && !(status === 'RUNNING' && (waiting.reason === 'worker_lost' || waiting.reason === 'connector_limit')))
    return null;
  return (
    <p className="waiting small" role="status" data-testid="run-waiting" data-reason={waiting.reason}>
      <strong>{TITLE[waiting.reason]}</strong> {waiting.message}
      {waiting.heldBy && waiting.heldBy.length > 0 && (
        <>
          {' '}
          Holding the slot:{' '}
          {waiting.heldBy.slice(0, 3).map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <Link to={`/runs/${id}`}>{id.slice(0, 8)}</Link>
            </span>
          ))}
          .
        </>
      )}
    </p>
  );
}

const TITLE: Record<Waiting['reason'], string> = {
  queued: 'Waiting in the queue.',
  concurrency_limit: 'Waiting for a concurrency slot.',
  connector_limit: 'Waiting for a connector slot.',
  inside_parent: 'Waiting for its parent run.',
  worker_lost: 'Worker lost.',
};
