import { describe, expect, it } from 'vitest';
import type { LoadBalancerRow } from '@model/explorer.ts';
import { indexLoadBalancers, normalizeForMatch } from './filter-rows.ts';

const filterLoadBalancers = (rows: LoadBalancerRow[], filter: string) =>
  indexLoadBalancers(rows).apply(filter);

function row(displayName: string, extra: Partial<LoadBalancerRow> = {}): LoadBalancerRow {
  return {
    uuid: '99fe8ce7-9e75-11e9-b485-0050569e6cfc',
    name: `${displayName}__x`,
    displayName,
    fqName: [],
    namespace: 'ns-user-1',
    vip: '10.105.53.64',
    provider: 'native',
    listeners: [],
    membersUp: 0,
    membersTotal: 0,
    operatingStatus: null,
    provisioningStatus: null,
    adminState: true,
    ...extra,
  };
}

describe('filterLoadBalancers', () => {
  const rows = [
    row('ns-user-1__service-web-clusterip'),
    row('ns-user-1__service-web-clusterip-mp', {
      vip: '10.101.150.135',
      uuid: 'aaaaaaaa-0000-4000-8000-000000000001',
    }),
    row('kube-system__kube-dns', { namespace: 'kube-system', vip: '10.96.0.10' }),
  ];

  it('treats runs of - and _ alike, so the seed spelling finds the Contrail display name', () => {
    expect(normalizeForMatch('ns-user-1__Service')).toBe('ns-user-1-service');
    expect(filterLoadBalancers(rows, 'ns-user-1-service-web-clusterip').map((r) => r.displayName)).toEqual([
      'ns-user-1__service-web-clusterip',
      'ns-user-1__service-web-clusterip-mp',
    ]);
    expect(filterLoadBalancers(rows, 'service_web_clusterip_mp')).toHaveLength(1);
  });

  it('matches namespace, VIP and uuid, and needs every word', () => {
    expect(filterLoadBalancers(rows, 'kube-system').map((r) => r.displayName)).toEqual([
      'kube-system__kube-dns',
    ]);
    expect(filterLoadBalancers(rows, '10.101.150').map((r) => r.displayName)).toEqual([
      'ns-user-1__service-web-clusterip-mp',
    ]);
    expect(filterLoadBalancers(rows, 'AAAAAAAA-0000')).toHaveLength(1);
    expect(filterLoadBalancers(rows, 'clusterip 10.105')).toHaveLength(1);
    expect(filterLoadBalancers(rows, '  ')).toBe(rows);
  });

  it('narrows from the last matches while typing on, and starts over otherwise', () => {
    const index = indexLoadBalancers(rows);
    const names = (filter: string) => index.apply(filter).map((r) => r.displayName);
    expect(names('ns-user')).toHaveLength(2);
    expect(names('ns-user-1__service-web-clusterip-m')).toEqual(['ns-user-1__service-web-clusterip-mp']);
    expect(names('ns-user-1 10.105')).toEqual(['ns-user-1__service-web-clusterip']);
    expect(names('dns')).toEqual(['kube-system__kube-dns']);
    expect(names('')).toHaveLength(3);
    expect(names('10.')).toHaveLength(3);
  });

  it('returns the same array while a keystroke leaves the matches unchanged', () => {
    const index = indexLoadBalancers(rows);
    expect(index.apply('n')).toBe(rows);
    const user = index.apply('ns-user');
    expect(user.map((r) => r.displayName)).toEqual([
      'ns-user-1__service-web-clusterip',
      'ns-user-1__service-web-clusterip-mp',
    ]);
    expect(index.apply('ns-user-1')).toBe(user);
    expect(index.apply('ns-user-1__service-web')).toBe(user);
    const mp = index.apply('ns-user-1__service-web-clusterip-m');
    expect(mp.map((r) => r.displayName)).toEqual(['ns-user-1__service-web-clusterip-mp']);
    expect(index.apply('ns-user-1__service-web-clusterip-mp')).toBe(mp);
    // Starting over with a different filter builds a fresh result of the same rows.
    expect(index.apply('user').map((r) => r.displayName)).toEqual(user.map((r) => r.displayName));
  });
});
