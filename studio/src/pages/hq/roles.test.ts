import { describe, expect, it } from 'vitest';
import { isSelfDemotion, ranksBelow } from './roles';

const member = { tenantId: '11111111-1111-4111-8111-111111111111', objectId: '22222222-2222-4222-8222-222222222222' };
const me = { actor: { type: 'user', id: `${member.tenantId}/${member.objectId}` }, role: 'admin' as const };

describe('isSelfDemotion', () => {
  it('is true only when the caller lowers their own role below the one they hold', () => {
    expect(isSelfDemotion(me, member, 'editor')).toBe(true);
    expect(isSelfDemotion(me, member, null)).toBe(true);
    expect(isSelfDemotion(me, member, 'admin')).toBe(false);
    expect(isSelfDemotion(me, member, 'owner')).toBe(false);
    expect(isSelfDemotion(me, { ...member, objectId: '33333333-3333-4333-8333-333333333333' }, 'viewer')).toBe(false);
    // An API key or the development administrator is never a member row.
    expect(isSelfDemotion({ ...me, actor: { type: 'apikey', id: me.actor.id } }, member, 'viewer')).toBe(false);
  });
  it('ranks roles as the server does', () => {
    expect(ranksBelow('viewer', 'operator')).toBe(true);
    expect(ranksBelow('owner', 'admin')).toBe(false);
    expect(ranksBelow(null, 'viewer')).toBe(true);
  });
});
