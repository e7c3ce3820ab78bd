// The "Basic view" of a config object: its key fields as label/value pairs, per type, with refs
// as links to the referenced object's page (the legacy UI linked only to the type's list).

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ConfigObject, Ref } from '@model/contrail/types.ts';
import { objectUrl } from './object-url.ts';
import { AdminState, StatusDot } from './status-dot.tsx';

type Json = Record<string, unknown>;

function get(obj: Json, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Json)[key] : undefined;
  return cur;
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

function refs(obj: Json, field: string, type: string): ReactNode {
  const list = obj[field];
  if (!Array.isArray(list) || list.length === 0) return '—';
  return (
    <ul className="plain-list">
      {(list as Ref[]).map((ref) => (
        <li key={ref.uuid}>
          <Link to={objectUrl(type, ref.uuid)}>{ref.to.length ? ref.to[ref.to.length - 1] : ref.uuid}</Link>
        </li>
      ))}
    </ul>
  );
}

function annotation(obj: Json, key: string): string | undefined {
  const pairs = get(obj, 'annotations', 'key_value_pair');
  return Array.isArray(pairs)
    ? (pairs as { key: string; value: string }[]).find((p) => p.key === key)?.value
    : undefined;
}

function fieldsFor(type: string, obj: Json): [string, ReactNode][] {
  switch (type) {
    case 'loadbalancer': {
      const p = (obj.loadbalancer_properties ?? {}) as Json;
      return [
        ['Provider', text(obj.loadbalancer_provider)],
        ['VIP', text(p.vip_address)],
        ['Operating status', <StatusDot key="o" status={p.operating_status as string | null} />],
        ['Provisioning status', <StatusDot key="p" status={p.provisioning_status as string | null} />],
        ['Admin state', <AdminState key="a" up={p.admin_state !== false} />],
        ['Listeners', refs(obj, 'loadbalancer_listener_back_refs', 'loadbalancer-listener')],
        [
          'Virtual machine interface',
          refs(obj, 'virtual_machine_interface_refs', 'virtual-machine-interface'),
        ],
        ['Service appliance set', refs(obj, 'service_appliance_set_refs', 'service-appliance-set')],
      ];
    }
    case 'loadbalancer-listener': {
      const p = (obj.loadbalancer_listener_properties ?? {}) as Json;
      return [
        ['Protocol', text(p.protocol)],
        ['Port', text(p.protocol_port)],
        ['Port name', text(annotation(obj, 'portName'))],
        ['Connection limit', text(p.connection_limit)],
        ['Admin state', <AdminState key="a" up={p.admin_state !== false} />],
        ['Load balancer', refs(obj, 'loadbalancer_refs', 'loadbalancer')],
        ['Pools', refs(obj, 'loadbalancer_pool_back_refs', 'loadbalancer-pool')],
      ];
    }
    case 'loadbalancer-pool': {
      const p = (obj.loadbalancer_pool_properties ?? {}) as Json;
      const members = Array.isArray(obj.loadbalancer_members) ? obj.loadbalancer_members.length : 0;
      return [
        ['Protocol', text(p.protocol)],
        ['Method', text(p.loadbalancer_method)],
        ['Session persistence', text(p.session_persistence)],
        ['Admin state', <AdminState key="a" up={p.admin_state !== false} />],
        ['Listener', refs(obj, 'loadbalancer_listener_refs', 'loadbalancer-listener')],
        ['Health monitors', refs(obj, 'loadbalancer_healthmonitor_refs', 'loadbalancer-healthmonitor')],
        ['Members', String(members)],
      ];
    }
    case 'loadbalancer-member': {
      const p = (obj.loadbalancer_member_properties ?? {}) as Json;
      const vm = annotation(obj, 'vm');
      const vmi = annotation(obj, 'vmi');
      return [
        ['Target port', text(p.protocol_port)],
        ['Weight', text(p.weight)],
        ['Address', text(p.address)],
        ['Status', text(p.status)],
        ['Admin state', <AdminState key="a" up={p.admin_state !== false} />],
        ['Pod (virtual machine)', vm ? <Link to={objectUrl('virtual-machine', vm)}>{vm}</Link> : '—'],
        ['VMI', vmi ? <Link to={objectUrl('virtual-machine-interface', vmi)}>{vmi}</Link> : '—'],
      ];
    }
    default:
      return Object.entries(obj)
        .filter(
          ([key, value]) =>
            ![
              'uuid',
              'name',
              'fq_name',
              'display_name',
              'href',
              'parent_href',
              'parent_type',
              'parent_uuid',
              'id_perms',
              'perms2',
              'annotations',
            ].includes(key) &&
            (value === null || typeof value !== 'object'),
        )
        .map(([key, value]) => [key, text(value)]);
  }
}

export function BasicView({ type, object }: { type: string; object: ConfigObject }) {
  const rows: [string, ReactNode][] = [
    ['Name', object.name],
    ['Display name', object.display_name],
    ['UUID', object.uuid],
    ['FQ name', object.fq_name.join(':')],
    ...fieldsFor(type, object),
  ];
  if (object.parent_type && object.parent_uuid)
    rows.push([
      'Parent',
      <Link
        key="parent"
        to={objectUrl(object.parent_type, object.parent_uuid)}
      >{`${object.parent_type} ${object.parent_uuid}`}</Link>,
    ]);
  const annotations = object.annotations?.key_value_pair ?? [];
  if (annotations.length > 0)
    rows.push(['Annotations', annotations.map((p) => `${p.key}=${p.value}`).join(', ')]);
  return (
    <dl className="basic-view">
      {rows.map(([label, value]) => (
        <div key={label} className="basic-row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
