import { describe, expect, it } from 'vitest';
import { routeTitle } from './route-title';

describe('route titles', () => {
  it('names each route, and an unknown path as not found', () => {
    expect(routeTitle('/workflows/new')).toBe('New workflow · Demiton studio');
    expect(routeTitle('/workflows/0b6c')).toBe('Workflow · Demiton studio');
    expect(routeTitle('/runs')).toBe('Runs · Demiton studio');
    expect(routeTitle('/runs/abc')).toBe('Run · Demiton studio');
    expect(routeTitle('/inbox')).toBe('Inbox · Demiton studio');
    expect(routeTitle('/hq')).toBe('HQ · Demiton studio');
    expect(routeTitle('/')).toBe('Workflows · Demiton studio');
    expect(routeTitle('/nowhere/at/all')).toBe('Page not found · Demiton studio');
  });
});
