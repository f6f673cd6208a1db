/** A run or task status as a coloured badge with its name in words (never colour alone). */
const LABEL: Record<string, string> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  WAITING: 'Waiting',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  SKIPPED: 'Skipped',
  NOT_RUN: 'Not run',
  active: 'Active',
  paused: 'Paused',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {LABEL[status] ?? status}
    </span>
  );
}
