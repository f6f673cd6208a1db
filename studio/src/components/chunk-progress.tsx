/** ChunkedDispatch progress: succeeded, failed and running of total, as a bar with numbers. */
export interface Chunks {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
}

export function ChunkProgress({ chunks, label }: { chunks: Chunks; label: string }) {
  const pct = (n: number) => (chunks.total ? (100 * n) / chunks.total : 0);
  const done = chunks.succeeded + chunks.failed;
  return (
    <div className="chunks">
      <div
        className="bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={chunks.total}
        aria-valuenow={done}
        aria-valuetext={`${chunks.succeeded} succeeded, ${chunks.failed} failed, ${chunks.running} running of ${chunks.total}`}
      >
        <span className="seg ok" style={{ width: `${pct(chunks.succeeded)}%` }} />
        <span className="seg bad" style={{ width: `${pct(chunks.failed)}%` }} />
        <span className="seg run" style={{ width: `${pct(chunks.running)}%` }} />
      </div>
      <span className="chunk-numbers">
        {chunks.succeeded} ok · {chunks.failed} failed · {chunks.running} running / {chunks.total}
      </span>
    </div>
  );
}
