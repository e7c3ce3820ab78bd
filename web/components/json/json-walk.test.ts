import { describe, expect, it } from 'vitest';
import { childPath, findMatches, toDisplayValue, subtreeContains, withoutBulky } from './json-walk.ts';

describe('json walk', () => {
  it('builds jq paths, quoting keys jq cannot take bare', () => {
    expect(childPath(childPath('', 'loadbalancer'), 'loadbalancer_properties')).toBe(
      '.loadbalancer.loadbalancer_properties',
    );
    expect(childPath('.x', 3)).toBe('.x[3]');
    expect(childPath('', 'loadbalancer-listener')).toBe('["loadbalancer-listener"]');
  });

  it('finds matching keys and values with their paths', () => {
    const obj = {
      loadbalancer_properties: { vip_address: '10.105.53.64', admin_state: true },
      refs: [{ uuid: 'abc-10.105' }],
    };
    const { matches, total } = findMatches(obj, '10.105', '.loadbalancer');
    expect(total).toBe(2);
    expect(matches.map((m) => m.path)).toEqual([
      '.loadbalancer.loadbalancer_properties.vip_address',
      '.loadbalancer.refs[0].uuid',
    ]);
    expect(findMatches(obj, 'admin', '').matches).toEqual([
      { path: '.loadbalancer_properties.admin_state', value: true },
    ]);
    expect(subtreeContains(obj, 'nothing')).toBe(false);
  });

  it('pages arrays longer than 100 items', () => {
    const paged = toDisplayValue({ routes: Array.from({ length: 250 }, (_, i) => i) }) as {
      routes: Record<string, number[]>;
    };
    expect(Object.keys(paged.routes)).toEqual(['[0…99]', '[100…199]', '[200…249]']);
    expect(paged.routes['[200…249]']).toHaveLength(50);
  });

  it('drops bulky fields at every depth', () => {
    expect(withoutBulky({ id_perms: {}, perms2: {}, href: 'h', refs: [{ uuid: 'u', href: 'h' }] })).toEqual({
      refs: [{ uuid: 'u' }],
    });
  });
});
