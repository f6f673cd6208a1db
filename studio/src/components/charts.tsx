/** Small SVG charts for dashboards: stacked daily bars and a line, each with a text table for screen readers. */

export interface DayCounts {
  day: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  avgDurationMs: number | null;
}

export function RunsPerDayChart({ days, title }: { days: DayCounts[]; title: string }) {
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.failed + d.cancelled));
  const w = 560;
  const h = 160;
  const bw = w / Math.max(1, days.length);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h + 20}`}
        role="img"
        aria-label={`${title}: ${days.map((d) => `${d.day} ${d.succeeded} succeeded, ${d.failed} failed`).join('; ')}`}
      >
        {days.map((d, i) => {
          const ok = (d.succeeded / max) * h;
          const bad = (d.failed / max) * h;
          const can = (d.cancelled / max) * h;
          const x = i * bw + 2;
          return (
            <g key={d.day}>
              <rect x={x} y={h - ok} width={bw - 4} height={ok} className="c-ok" />
              <rect x={x} y={h - ok - bad} width={bw - 4} height={bad} className="c-bad" />
              <rect x={x} y={h - ok - bad - can} width={bw - 4} height={can} className="c-cancel" />
              {(i % Math.ceil(days.length / 7) === 0 || i === days.length - 1) && (
                <text x={x + (bw - 4) / 2} y={h + 14} textAnchor="middle" className="c-label">
                  {d.day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div className="legend" aria-hidden="true">
        <span className="k c-ok" /> succeeded <span className="k c-bad" /> failed <span className="k c-cancel" /> cancelled
      </div>
    </figure>
  );
}

export function DurationChart({ days, title }: { days: DayCounts[]; title: string }) {
  const vals = days.map((d) => d.avgDurationMs);
  const known = vals.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const w = 560;
  const h = 140;
  const left = 56;
  const pad = 8;
  const step = (w - left - pad) / Math.max(1, days.length - 1);
  const x = (i: number) => left + i * step;
  const y = (v: number) => pad + (h - 2 * pad) * (1 - v / max);
  const points = vals.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
  const label = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${w} ${h + 18}`}
        role="img"
        aria-label={`${title}: ${
          days
            .filter((d) => d.avgDurationMs !== null)
            .map((d) => `${d.day} ${label(d.avgDurationMs!)}`)
            .join('; ') || 'no finished runs'
        }`}
      >
        <line x1={left} y1={h - pad} x2={w - pad} y2={h - pad} className="c-axis" />
        <line x1={left} y1={pad} x2={left} y2={h - pad} className="c-axis" />
        <text x={left - 6} y={pad + 4} textAnchor="end" className="c-label">
          {label(max)}
        </text>
        <text x={left - 6} y={h - pad} textAnchor="end" className="c-label">
          0
        </text>
        {points.length > 1 && <polyline points={points.join(' ')} className="c-line" fill="none" />}
        {vals.map((v, i) => (v === null ? null : <circle key={days[i]!.day} cx={x(i)} cy={y(v)} r={4} className="c-dot" />))}
        {days.map((d, i) =>
          i % Math.ceil(days.length / 7) === 0 || i === days.length - 1 ? (
            <text key={d.day} x={x(i)} y={h + 12} textAnchor="middle" className="c-label">
              {d.day.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      {!known.length && <p className="muted small">No finished runs in this period.</p>}
    </figure>
  );
}
