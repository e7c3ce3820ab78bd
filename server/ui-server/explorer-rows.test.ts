// The pure assembly on its own: config objects as any config API may render them (fields missing,
// wrongly typed, refs to nothing) become rows without throwing.

import { describe, expect, it } from 'vitest';
import {
  assembleListenerRows,
  assembleLoadBalancerRows,
  assembleMemberRows,
  assemblePoolRows,
  memberRelationUuids,
  namespaceOf,
} from './explorer-rows.ts';

const kv = (pairs: Record<string, string>) => ({
  key_value_pair: Object.entries(pairs).map(([key, value]) => ({ key, value })),
});

describe('namespaceOf', () => {
  it('reads the annotation, then the <ns>__<svc> display name, then the project', () => {
    expect(namespaceOf({ annotations: kv({ namespace: 'from-annotation' }), display_name: 'x__y' })).toBe(
      'from-annotation',
    );
    expect(namespaceOf({ display_name: 'ns-user-1__service-web' })).toBe('ns-user-1');
    expect(namespaceOf({ display_name: 'plain', fq_name: ['default-domain', 'k8s-ns', 'lb'] })).toBe(
      'k8s-ns',
    );
    expect(namespaceOf({ fq_name: ['lb'] })).toBeNull();
  });
});

describe('assembly from untrusted objects', () => {
  it('reads missing and wrongly typed fields as empty', () => {
    const rows = assembleLoadBalancerRows(
      [{ uuid: 'lb', fq_name: 'not-a-list', loadbalancer_properties: 'nope' }],
      [
        {
          uuid: 'l1',
          loadbalancer_refs: [{ uuid: 'lb' }, null, { uuid: 7 }],
          loadbalancer_listener_properties: [],
        },
      ],
      [{ uuid: 'p1', loadbalancer_listener_refs: 'nope' }],
      [{ uuid: 'm1', parent_uuid: 'p1' }],
    );
    expect(rows).toEqual([
      {
        uuid: 'lb',
        name: 'lb',
        displayName: 'lb',
        fqName: [],
        namespace: null,
        vip: null,
        provider: null,
        listeners: [{ uuid: 'l1', protocol: null, port: null }],
        membersUp: 0,
        membersTotal: 0,
        operatingStatus: null,
        provisioningStatus: null,
        adminState: true,
      },
    ]);
  });

  it('counts members up unless an admin or status says otherwise', () => {
    const pools = [{ uuid: 'p', display_name: 'pool' }];
    const members = [
      { uuid: 'a', parent_uuid: 'p', loadbalancer_member_properties: { status: null } },
      { uuid: 'b', parent_uuid: 'p', loadbalancer_member_properties: { status: 'down' } },
      { uuid: 'c', parent_uuid: 'p', loadbalancer_member_properties: { admin_state: false } },
    ];
    expect(assemblePoolRows(pools, members)[0]).toMatchObject({ membersUp: 1, membersTotal: 3 });
  });

  it('sorts listeners by port, then name', () => {
    const listeners = [
      { uuid: 'b', display_name: 'b', loadbalancer_listener_properties: { protocol_port: 9999 } },
      { uuid: 'a', display_name: 'a', loadbalancer_listener_properties: { protocol_port: 8888 } },
    ];
    expect(assembleListenerRows(listeners, []).map((l) => l.uuid)).toEqual(['a', 'b']);
  });

  it('resolves a member to its pod by the VM name when no annotation names it', () => {
    const members = [
      {
        uuid: 'm',
        parent_uuid: 'p',
        annotations: kv({ vmi: 'vmi-1', vm: 'vm-1' }),
        loadbalancer_member_properties: {},
      },
    ];
    expect(memberRelationUuids(members)).toEqual({ vmis: ['vmi-1'], vms: ['vm-1'] });
    const [row] = assembleMemberRows(members, {
      vmis: [{ uuid: 'vmi-1', fq_name: ['d', 'p', 'web-a__vmi-1'], display_name: 'web-a__vmi-1' }],
      instanceIps: [
        { uuid: 'i6', instance_ip_address: 'fd00::1', virtual_machine_interface_refs: [{ uuid: 'vmi-1' }] },
        {
          uuid: 'i4',
          instance_ip_address: '10.47.255.251',
          virtual_machine_interface_refs: [{ uuid: 'vmi-1' }],
        },
      ],
      vms: [{ uuid: 'vm-1', fq_name: ['k8s__ns-user-1__web-a'], display_name: 'k8s__ns-user-1__web-a' }],
      vrouters: [
        {
          uuid: 'vr',
          fq_name: ['default-global-system-config', 'node-2'],
          virtual_machine_refs: [{ uuid: 'vm-1' }],
        },
      ],
    });
    expect(row).toMatchObject({
      pod: { uuid: 'vm-1', name: 'web-a', namespace: 'ns-user-1' },
      podIp: '10.47.255.251',
      node: 'node-2',
      vmi: { uuid: 'vmi-1', name: 'web-a__vmi-1' },
    });
  });
});
