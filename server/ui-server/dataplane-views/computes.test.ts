import { describe, expect, it } from 'vitest';
import type { ConfigApiClient } from '../config-api-client.ts';
import { ComputeDirectory } from './computes.ts';

// Which computes the dataplane views read: the config API's virtual-routers (introspect on the
// agent's port 8085 of virtual_router_ip_address), VROUTER_INTROSPECT by name, the simulation's
// listeners; the same list is the introspect client's allowlist.

function configApi(routers: { name: string; ip?: string }[]) {
  let calls = 0;
  const api = {
    listFields: async (type: string) => {
      expect(type).toBe('virtual-router');
      calls++;
      return routers.map((r) => ({
        fq_name: ['default-global-system-config', r.name],
        ...(r.ip ? { virtual_router_ip_address: r.ip } : {}),
      }));
    },
  } as unknown as ConfigApiClient;
  return { api, calls: () => calls };
}

describe('ComputeDirectory', () => {
  it('finds every virtual-router, overridden by VROUTER_INTROSPECT, and allows only their origins', async () => {
    const { api } = configApi([
      { name: 'node-b', ip: '10.0.0.2' },
      { name: 'node-a', ip: '10.0.0.1' },
      { name: 'no-address' },
    ]);
    const dir = new ComputeDirectory({
      configApi: api,
      override: new Map([
        ['node-b', 'http://127.0.0.1:18085'],
        ['extra', 'https://10.9.9.9:8085'],
      ]),
    });
    expect(await dir.list()).toEqual([
      { name: 'extra', ip: '', url: 'https://10.9.9.9:8085', source: 'VROUTER_INTROSPECT' },
      { name: 'node-a', ip: '10.0.0.1', url: 'http://10.0.0.1:8085', source: 'virtual-router' },
      { name: 'node-b', ip: '10.0.0.2', url: 'http://127.0.0.1:18085', source: 'VROUTER_INTROSPECT' },
    ]);
    expect(dir.allows('http://10.0.0.1:8085')).toBe(true);
    expect(dir.allows('http://10.0.0.2:8085')).toBe(false);
    expect(dir.allows('http://169.254.169.254')).toBe(false);
    expect(dir.byIp('10.0.0.2')?.name).toBe('node-b');
    await expect(dir.get('node-z')).rejects.toThrow('no compute node-z; computes: extra, node-a, node-b');
  });

  it('uses https with introspect SSL, and the simulation’s listeners over everything else', async () => {
    const { api } = configApi([{ name: 'k8s-node1', ip: '10.85.188.20' }]);
    let listeners = [{ name: 'k8s-node1', url: 'http://127.0.0.1:40001' }];
    const dir = new ComputeDirectory({ configApi: api, scheme: 'https', embedded: () => listeners });
    expect((await dir.get('k8s-node1')).url).toBe('http://127.0.0.1:40001');
    listeners = [];
    expect((await dir.get('k8s-node1')).url).toBe('https://10.85.188.20:8085');
  });

  it('asks the config API again after its TTL, or when a virtual-router changed', async () => {
    let now = 0;
    const { api, calls } = configApi([{ name: 'n1', ip: '10.0.0.1' }]);
    const dir = new ComputeDirectory({ configApi: api, ttlMs: 1000, now: () => now });
    await dir.list();
    await dir.list();
    expect(calls()).toBe(1);
    now = 1000;
    await dir.list();
    expect(calls()).toBe(2);
    dir.invalidate();
    await dir.list();
    expect(calls()).toBe(3);
  });
});
