import { describe, expect, it } from 'vitest';
import type { ObjectType } from '@model/contrail/schema.ts';
import type { Endpoints, Service } from '@model/kubernetes/types.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { sequentialIds } from '@server/ids.ts';
import { ManualClock } from '@server/clock.ts';
import { applyPlan } from './applier.ts';
import { desiredServiceObjects, type DesiredContext, type DesiredObject } from './desired.ts';
import { diffObjects } from './diff.ts';
import { DEFAULT_CONFIG, stableUuid } from './names.ts';

const ctx: DesiredContext = {
  config: DEFAULT_CONFIG,
  resolve: (_type, _fq, key) => stableUuid(DEFAULT_CONFIG, key),
};

function service(spec: Partial<Service['spec']>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'svc',
      namespace: 'ns',
      uid: 'a0000000-0000-4000-8000-000000000001',
      resourceVersion: '1',
      creationTimestamp: '',
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.20',
      ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }],
      ...spec,
    },
    status: { loadBalancer: {} },
  };
}

const pod = (n: number) => ({
  ip: `10.47.255.${250 + n}`,
  targetRef: {
    kind: 'Pod' as const,
    name: `p${n}`,
    namespace: 'ns',
    uid: `b0000000-0000-4000-8000-00000000000${n}`,
  },
});

function endpoints(subsets: Endpoints['subsets']): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'svc', namespace: 'ns', uid: 'x', resourceVersion: '1', creationTimestamp: '' },
    subsets,
  };
}

const count = (objects: DesiredObject[], type: ObjectType) => objects.filter((o) => o.type === type).length;
const memberPorts = (objects: DesiredObject[]) =>
  objects
    .filter((o) => o.type === 'loadbalancer-member')
    .map((o) => (o.props.loadbalancer_member_properties as { protocol_port: number }).protocol_port);

describe('desiredServiceObjects', () => {
  const cases: {
    name: string;
    svc: Service;
    eps?: Endpoints;
    known?: (uid: string) => boolean;
    expect: { lbs: number; listeners: number; members: number[]; fips: number; portMaps: unknown[] };
  }[] = [
    {
      name: 'single TCP port, two ready pods',
      svc: service({}),
      eps: endpoints([{ addresses: [pod(1), pod(2)], ports: [{ port: 8080, protocol: 'TCP' }] }]),
      expect: {
        lbs: 1,
        listeners: 1,
        members: [8080, 8080],
        fips: 1,
        portMaps: [{ protocol: 'TCP', src_port: 80, dst_port: 8080 }],
      },
    },
    {
      name: 'not-ready addresses make no members',
      svc: service({}),
      eps: endpoints([
        { addresses: [pod(1)], notReadyAddresses: [pod(2)], ports: [{ port: 8080, protocol: 'TCP' }] },
      ]),
      expect: {
        lbs: 1,
        listeners: 1,
        members: [8080],
        fips: 1,
        portMaps: [{ protocol: 'TCP', src_port: 80, dst_port: 8080 }],
      },
    },
    {
      name: 'pods without an interface are skipped',
      svc: service({}),
      eps: endpoints([{ addresses: [pod(1), pod(2)], ports: [{ port: 8080, protocol: 'TCP' }] }]),
      known: (uid) => uid.endsWith('1'),
      expect: {
        lbs: 1,
        listeners: 1,
        members: [8080],
        fips: 1,
        portMaps: [{ protocol: 'TCP', src_port: 80, dst_port: 8080 }],
      },
    },
    {
      name: 'no Endpoints yet: LB, listener and pool but no members and no port maps',
      svc: service({}),
      expect: { lbs: 1, listeners: 1, members: [], fips: 1, portMaps: [] },
    },
    {
      name: 'UDP port',
      svc: service({ ports: [{ protocol: 'UDP', port: 53, targetPort: 53 }] }),
      eps: endpoints([{ addresses: [pod(1)], ports: [{ port: 53, protocol: 'UDP' }] }]),
      expect: {
        lbs: 1,
        listeners: 1,
        members: [53],
        fips: 1,
        portMaps: [{ protocol: 'UDP', src_port: 53, dst_port: 53 }],
      },
    },
    {
      name: 'two named ports over two subsets (every subset read, not only the first)',
      svc: service({
        ports: [
          { name: 'a', protocol: 'TCP', port: 80, targetPort: 'web' },
          { name: 'b', protocol: 'TCP', port: 81, targetPort: 81 },
        ],
      }),
      eps: endpoints([
        {
          addresses: [pod(1)],
          ports: [
            { name: 'a', port: 8080, protocol: 'TCP' },
            { name: 'b', port: 81, protocol: 'TCP' },
          ],
        },
        {
          addresses: [pod(2)],
          ports: [
            { name: 'a', port: 9090, protocol: 'TCP' },
            { name: 'b', port: 81, protocol: 'TCP' },
          ],
        },
      ]),
      expect: {
        lbs: 1,
        listeners: 2,
        members: [8080, 9090, 81, 81],
        fips: 1,
        portMaps: [
          { protocol: 'TCP', src_port: 80, dst_port: 8080 },
          { protocol: 'TCP', src_port: 81, dst_port: 81 },
        ],
      },
    },
    {
      name: 'LoadBalancer adds a public floating-ip',
      svc: service({ type: 'LoadBalancer' }),
      expect: { lbs: 1, listeners: 1, members: [], fips: 2, portMaps: [] },
    },
    {
      name: 'headless',
      svc: service({ clusterIP: 'None' }),
      expect: { lbs: 0, listeners: 0, members: [], fips: 0, portMaps: [] },
    },
    {
      name: 'ExternalName',
      svc: service({ type: 'ExternalName', externalName: 'example.com', ports: [] }),
      expect: { lbs: 0, listeners: 0, members: [], fips: 0, portMaps: [] },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const objects = desiredServiceObjects(ctx, {
        service: c.svc,
        endpoints: c.eps,
        hasPodInterface: c.known ?? (() => true),
        externalAddress: (requested) => requested ?? '203.0.113.9',
      });
      expect(count(objects, 'loadbalancer')).toBe(c.expect.lbs);
      expect(count(objects, 'loadbalancer-listener')).toBe(c.expect.listeners);
      expect(count(objects, 'loadbalancer-pool')).toBe(c.expect.listeners);
      expect(memberPorts(objects)).toEqual(c.expect.members);
      expect(count(objects, 'floating-ip')).toBe(c.expect.fips);
      const vipFip = objects.find((o) => o.type === 'floating-ip' && o.parentType === 'instance-ip');
      if (vipFip)
        expect(vipFip.props.floating_ip_port_mappings).toEqual({ port_mappings: c.expect.portMaps });
      // Deterministic: the same inputs give the same uuids.
      const again = desiredServiceObjects(ctx, {
        service: c.svc,
        endpoints: c.eps,
        hasPodInterface: c.known ?? (() => true),
        externalAddress: (requested) => requested ?? '203.0.113.9',
      });
      expect(again.map((o) => o.uuid)).toEqual(objects.map((o) => o.uuid));
    });
});

const vmObject = (uuid: string, name: string, server: string): DesiredObject => ({
  type: 'virtual-machine',
  uuid,
  fqName: [name],
  parentType: null,
  displayName: name,
  props: { server_type: server },
  refs: {},
  annotations: { owner: 'k8s' },
});

function setup() {
  const store = new ConfigStore(new ManualClock(), sequentialIds());
  createDefaultObjects(store);
  return { store, vm: vmObject };
}

describe('diffObjects and applyPlan', () => {
  const A = 'c0000000-0000-4000-8000-00000000000a';
  const B = 'c0000000-0000-4000-8000-00000000000b';

  const table: {
    name: string;
    before: (vm: ReturnType<typeof setup>['vm']) => DesiredObject[];
    after: (vm: ReturnType<typeof setup>['vm']) => DesiredObject[];
    plan: [number, number, number];
  }[] = [
    {
      name: 'nothing changed → no writes',
      before: (vm) => [vm(A, 'a', 'container')],
      after: (vm) => [vm(A, 'a', 'container')],
      plan: [0, 0, 0],
    },
    { name: 'missing → create', before: () => [], after: (vm) => [vm(A, 'a', 'container')], plan: [1, 0, 0] },
    {
      name: 'prop changed → update',
      before: (vm) => [vm(A, 'a', 'container')],
      after: (vm) => [vm(A, 'a', 'baremetal-server')],
      plan: [0, 1, 0],
    },
    {
      name: 'not desired → delete',
      before: (vm) => [vm(A, 'a', 'container')],
      after: () => [],
      plan: [0, 0, 1],
    },
    {
      name: 'same uuid, new name → delete and create',
      before: (vm) => [vm(A, 'a', 'container')],
      after: (vm) => [vm(A, 'b', 'container')],
      plan: [1, 0, 1],
    },
    {
      name: 'same name, new uuid → delete then create',
      before: (vm) => [vm(A, 'a', 'container')],
      after: (vm) => [vm(B, 'a', 'container')],
      plan: [1, 0, 1],
    },
  ];
  for (const row of table)
    it(row.name, () => {
      const { store, vm } = setup();
      applyPlan(store, diffObjects(row.before(vm), []));
      const current = [...store.all('virtual-machine')];
      const plan = diffObjects(row.after(vm), current);
      expect([plan.creates.length, plan.updates.length, plan.deletes.length]).toEqual(row.plan);
      const result = applyPlan(store, plan);
      expect(result.errors).toEqual([]);
      expect(
        [...store.all('virtual-machine')].map((o) => [o.uuid, o.fqName[0], o.props.server_type]),
      ).toEqual(row.after(vm).map((d) => [d.uuid, d.fqName[0], d.props.server_type]));
      expect(diffObjects(row.after(vm), [...store.all('virtual-machine')])).toEqual({
        creates: [],
        updates: [],
        deletes: [],
      });
    });
});
