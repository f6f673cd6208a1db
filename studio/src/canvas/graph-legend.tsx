/** What the canvas's shapes mean, in words (never line style or colour alone). */
export function GraphLegend({ run = false }: { run?: boolean }) {
  return (
    <ul className="graph-legend small" aria-label="Graph legend">
      <li>
        <span className="legend-line success" aria-hidden="true" /> waits for the task above
      </li>
      <li>
        <span className="legend-line failure" aria-hidden="true" /> on failure: a handler, runs when a task it waits for failed
      </li>
      <li>
        <span className="legend-line always" aria-hidden="true" /> always: runs once what it waits for ended
      </li>
      <li>
        <span className="legend-box wait" aria-hidden="true" /> wait: the run holds no worker until a signal, an event or a time
      </li>
      <li>
        <span className="legend-box approval" aria-hidden="true" /> approval: waits for people to decide in their Inbox
      </li>
      <li>
        <code>if …</code> a condition: when false the task is skipped
      </li>
      {run && (
        <li>
          <span className="legend-box skipped" aria-hidden="true" /> skipped tasks are greyed with a dashed border
        </li>
      )}
    </ul>
  );
}
