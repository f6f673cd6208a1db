import { describe, expect, it } from 'vitest';
import { autovacuumWarning } from './autovacuum-check';

describe('autovacuumWarning', () => {
  it('is silent when the server analyzes tables itself (or cannot say)', () => {
    expect(autovacuumWarning({ autovacuum: 'on', trackCounts: 'on' })).toBeNull();
    expect(autovacuumWarning({ autovacuum: null, trackCounts: null })).toBeNull();
  });

  it('names the settings that are off and what to do', () => {
    expect(autovacuumWarning({ autovacuum: 'off', trackCounts: 'on' })).toMatch(
      /^PostgreSQL runs with autovacuum off: .*Turn autovacuum on/,
    );
    expect(autovacuumWarning({ autovacuum: 'on', trackCounts: 'off' })).toMatch(/with track_counts off/);
    expect(autovacuumWarning({ autovacuum: 'off', trackCounts: 'off' })).toMatch(/with autovacuum and track_counts off/);
  });
});
