// What a typed filter asks the server for: structured filters where a word is one, `q` for the rest.

import { describe, expect, it } from 'vitest';
import { flowFilters, interfaceFilters, nexthopFilters, routeFilters } from './table-filter.ts';

describe('table filters', () => {
  it('routes: an address or prefix, nh:<id>, words', () => {
    expect(routeFilters('10.105.53.64')).toEqual({ prefix: '10.105.53.64' });
    expect(routeFilters(' 10.47.0.0/16  nh:14 ecmp ')).toEqual({ prefix: '10.47.0.0/16', nh: 14, q: 'ecmp' });
    // A second prefix is a word like any other; a malformed address is too.
    expect(routeFilters('10.0.0.0/8 10.1.0.0/16 10.1.2')).toEqual({
      prefix: '10.0.0.0/8',
      q: '10.1.0.0/16 10.1.2',
    });
    expect(routeFilters('')).toEqual({});
  });

  it('next hops: a VIP, type:<type>, words', () => {
    expect(nexthopFilters('10.105.53.64 type:Tunnel')).toEqual({ vip: '10.105.53.64', type: 'tunnel' });
    expect(nexthopFilters('vip:10.105.53.64 tapeth0')).toEqual({ vip: '10.105.53.64', q: 'tapeth0' });
    expect(nexthopFilters('type:bogus')).toEqual({ q: 'type:bogus' });
  });

  it('interfaces: words only', () => {
    expect(interfaceFilters(' client  10.47 ')).toEqual({ q: 'client 10.47' });
  });

  it('flows: ip:port, an address, :port, pod:, svc:, vip:, words', () => {
    expect(flowFilters('10.105.53.64:8888')).toEqual({ ip: '10.105.53.64', port: 8888 });
    expect(flowFilters('10.47.255.254 :80 N(SPs)')).toEqual({ ip: '10.47.255.254', port: 80, q: 'N(SPs)' });
    expect(flowFilters('pod:ns-user-1/client svc:ns-user-1/web vip:10.1.2.3 port:53')).toEqual({
      pod: 'ns-user-1/client',
      service: 'ns-user-1/web',
      vip: '10.1.2.3',
      port: 53,
    });
    expect(flowFilters('10.1.2.3:99999 E:1')).toEqual({ q: '10.1.2.3:99999 E:1' });
  });
});
