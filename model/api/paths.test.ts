import { describe, expect, it } from 'vitest';
import {
  API_PREFIX,
  apiRoute,
  clusterApi,
  configApi,
  dataplaneApi,
  explorerApi,
  queryString,
  serverApi,
} from './paths.ts';

describe('apiRoute', () => {
  it('builds URLs with encoded parameters and a query of the defined values', () => {
    expect(explorerApi.members.path({ uuid: 'a b/c' })).toBe('/api/explorer/pools/a%20b%2Fc/members');
    expect(explorerApi.loadBalancers.path({ page_limit: 50, page_marker: undefined })).toBe(
      '/api/explorer/loadbalancers?page_limit=50',
    );
    expect(dataplaneApi.routes.path({ node: 'k8s-node1' }, { vrf: 'default-domain:k8s:net:net' })).toBe(
      '/api/dataplane/vrouters/k8s-node1/routes?vrf=default-domain%3Ak8s%3Anet%3Anet',
    );
    expect(clusterApi.scale.path({ namespace: 'ns-user-1', name: 'webserver' })).toBe(
      '/api/cluster/deployments/ns-user-1/webserver/scale',
    );
    expect(serverApi.info.path()).toBe('/api/info');
  });

  it('refuses to build a URL with a parameter missing', () => {
    const route = apiRoute('/x/:a/:b');
    expect(() => route.path({ a: '1' } as never)).toThrow('/x/:a/:b: missing path parameter b');
  });

  it('gives a pattern relative to the prefix a plugin is mounted at', () => {
    expect(dataplaneApi.nexthop.under(API_PREFIX.dataplane)).toBe('/vrouters/:node/nexthops/:id');
    expect(apiRoute('/api/events').under(API_PREFIX.events)).toBe('/');
    expect(() => clusterApi.apply.under(API_PREFIX.dataplane)).toThrow('is not under /api/dataplane');
  });

  it('builds config API collection paths from the type', () => {
    expect(configApi.collection('loadbalancer', { count: true })).toBe(
      '/api/config/loadbalancers?count=true',
    );
    expect(configApi.object.path({ type: 'loadbalancer', uuid: 'u' })).toBe('/api/config/loadbalancer/u');
  });

  it('every pattern sits under its group prefix', () => {
    const groups = [
      [API_PREFIX.explorer, explorerApi],
      [API_PREFIX.cluster, clusterApi],
      [API_PREFIX.dataplane, dataplaneApi],
    ] as const;
    for (const [prefix, group] of groups)
      for (const route of Object.values(group)) expect(route.pattern.startsWith(`${prefix}/`)).toBe(true);
  });

  it('queryString is empty without values', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: undefined })).toBe('');
    expect(queryString({ detail: true })).toBe('?detail=true');
  });
});
