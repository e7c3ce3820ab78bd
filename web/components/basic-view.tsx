// The "Basic view" of a config object: identity, the key properties per type and every ref as a
// compact chip linking to the referenced object's page (the legacy UI linked only to the type's list).

import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { linkField } from '@model/contrail/schema.ts';
import { keyValue, propertyStruct } from '@model/contrail/read.ts';
import type { ConfigObject, Ref } from '@model/contrail/types.ts';
import { configQueries } from '@web/api/config.ts';
import { objectUrl } from './object-url.ts';
import { refLabel } from './ref-label.ts';
import { AdminState, StatusDot } from './status-dot.tsx';
// oxlint-disable-next-line import/no-unassigned-import -- a stylesheet: Vite bundles it with the view
import './basic-view.css';

type Json = Record<string, unknown>;

/** `id` values (uuids, fq_names, IPs) are monospace and may break anywhere. */
interface Field {
  label: string;
  value: ReactNode;
  isId?: boolean;
}

/** Chips shown per ref field before a "+N more" note; the JSON view pages the rest. */
const MAX_CHIPS = 40;

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

function RefChip({ type, uuid, fqName }: { type: string; uuid: string; fqName: readonly string[] }) {
  // A load balancer's useful name is its display name (`<namespace>__<service>`), which refs lack;
  // a bare uuid (a member's vm/vmi annotation) has no name at all until the object is read.
  const isLb = type === 'loadbalancer';
  const needsObject = isLb || fqName.length === 0;
  const target = useQuery({ ...configQueries.object(type, uuid), enabled: needsObject });
  const label =
    (isLb ? target.data?.display_name : undefined) ??
    refLabel(type, fqName.length > 0 ? fqName : (target.data?.fq_name ?? []), uuid);
  return (
    <Link
      className="ref-chip"
      to={objectUrl(type, uuid)}
      title={`${type} ${fqName.length ? fqName.join(':') : uuid}\nuuid ${uuid}`}
    >
      {label}
    </Link>
  );
}

function RefChips({ type, refs }: { type: string; refs: unknown }) {
  const list = Array.isArray(refs) ? (refs as Ref[]) : [];
  if (list.length === 0) return '—';
  return (
    <ul className="ref-chips" role="list">
      {list.slice(0, MAX_CHIPS).map((ref) => (
        <li key={ref.uuid}>
          <RefChip type={type} uuid={ref.uuid} fqName={ref.to} />
        </li>
      ))}
      {list.length > MAX_CHIPS && <li className="ref-more">+{list.length - MAX_CHIPS} more</li>}
    </ul>
  );
}

function refField(obj: Json, label: string, field: string): Field {
  const link = linkField(field);
  return { label, value: link ? <RefChips type={link.type} refs={obj[field]} /> : text(obj[field]) };
}

function uuidChip(type: string, uuid: string | undefined, fqName: string[] = []): ReactNode {
  return uuid ? <RefChips type={type} refs={[{ uuid, to: fqName, attr: null }]} /> : '—';
}

/** The key properties and refs of the tree's types; every scalar and ref of any other type. */
function fieldsFor(type: string, obj: Json): { properties: Field[]; refs: Field[] } {
  switch (type) {
    case 'loadbalancer': {
      const p = propertyStruct(obj, 'loadbalancer_properties');
      return {
        properties: [
          { label: 'Provider', value: text(obj.loadbalancer_provider) },
          { label: 'VIP', value: text(p.vip_address), isId: true },
          { label: 'Operating status', value: <StatusDot status={p.operating_status as string | null} /> },
          {
            label: 'Provisioning status',
            value: <StatusDot status={p.provisioning_status as string | null} />,
          },
          { label: 'Admin state', value: <AdminState up={p.admin_state !== false} /> },
        ],
        refs: [
          refField(obj, 'Listeners', 'loadbalancer_listener_back_refs'),
          refField(obj, 'Virtual machine interface', 'virtual_machine_interface_refs'),
          refField(obj, 'Service appliance set', 'service_appliance_set_refs'),
        ],
      };
    }
    case 'loadbalancer-listener': {
      const p = propertyStruct(obj, 'loadbalancer_listener_properties');
      return {
        properties: [
          { label: 'Protocol', value: text(p.protocol) },
          { label: 'Port', value: text(p.protocol_port), isId: true },
          { label: 'Port name', value: text(keyValue(obj, 'portName')) },
          { label: 'Connection limit', value: text(p.connection_limit) },
          { label: 'Admin state', value: <AdminState up={p.admin_state !== false} /> },
        ],
        refs: [
          refField(obj, 'Load balancer', 'loadbalancer_refs'),
          refField(obj, 'Pools', 'loadbalancer_pool_back_refs'),
        ],
      };
    }
    case 'loadbalancer-pool': {
      const p = propertyStruct(obj, 'loadbalancer_pool_properties');
      const members = Array.isArray(obj.loadbalancer_members) ? obj.loadbalancer_members.length : 0;
      return {
        properties: [
          { label: 'Protocol', value: text(p.protocol) },
          { label: 'Method', value: text(p.loadbalancer_method) },
          { label: 'Session persistence', value: text(p.session_persistence) },
          { label: 'Admin state', value: <AdminState up={p.admin_state !== false} /> },
          { label: 'Members', value: String(members) },
        ],
        refs: [
          refField(obj, 'Listener', 'loadbalancer_listener_refs'),
          refField(obj, 'Health monitors', 'loadbalancer_healthmonitor_refs'),
        ],
      };
    }
    case 'loadbalancer-member': {
      const p = propertyStruct(obj, 'loadbalancer_member_properties');
      return {
        properties: [
          { label: 'Target port', value: text(p.protocol_port), isId: true },
          { label: 'Weight', value: text(p.weight) },
          { label: 'Address', value: text(p.address), isId: true },
          { label: 'Status', value: text(p.status) },
          { label: 'Admin state', value: <AdminState up={p.admin_state !== false} /> },
        ],
        refs: [
          { label: 'Pod (virtual machine)', value: uuidChip('virtual-machine', keyValue(obj, 'vm')) },
          { label: 'VMI', value: uuidChip('virtual-machine-interface', keyValue(obj, 'vmi')) },
        ],
      };
    }
    default: {
      const properties: Field[] = [];
      const refs: Field[] = [];
      for (const [key, value] of Object.entries(obj)) {
        if (IDENTITY_KEYS.has(key)) continue;
        if (linkField(key)) refs.push(refField(obj, key, key));
        else if (value === null || typeof value !== 'object')
          properties.push({ label: key, value: text(value) });
      }
      return { properties, refs };
    }
  }
}

/** Shown in the identity section, or too bulky for a basic view. */
const IDENTITY_KEYS = new Set([
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
]);

function FieldList({ title, fields }: { title: string; fields: Field[] }) {
  if (fields.length === 0) return null;
  return (
    // Not a landmark: several details panels may be open, each with its own "Identity".
    <section className="basic-section">
      <h2 className="basic-title">{title}</h2>
      <dl className="basic-fields">
        {fields.map((f) => (
          <div key={f.label} className="basic-field">
            <dt>{f.label}</dt>
            <dd className={f.isId ? 'basic-id' : undefined}>{f.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function BasicView({ type, object }: { type: string; object: ConfigObject }) {
  const { properties, refs } = fieldsFor(type, object);
  const identity: Field[] = [
    { label: 'Display name', value: object.display_name },
    { label: 'Name', value: object.name, isId: true },
    { label: 'UUID', value: object.uuid, isId: true },
    { label: 'FQ name', value: object.fq_name.join(':'), isId: true },
  ];
  if (object.parent_type && object.parent_uuid)
    identity.push({
      label: 'Parent',
      value: (
        <span className="basic-parent">
          <span className="kind-tag">{object.parent_type}</span>
          {uuidChip(object.parent_type, object.parent_uuid, object.fq_name.slice(0, -1))}
        </span>
      ),
    });
  const annotations = object.annotations?.key_value_pair ?? [];
  if (annotations.length > 0)
    properties.push({
      label: 'Annotations',
      value: (
        <ul className="annotation-list" role="list">
          {annotations.map((p) => (
            <li key={p.key}>
              <span className="annotation-key">{p.key}</span>={p.value}
            </li>
          ))}
        </ul>
      ),
      isId: true,
    });
  return (
    <div className="basic-view">
      <FieldList title="Identity" fields={identity} />
      <div className="basic-columns">
        <FieldList title="Properties" fields={properties} />
        <FieldList title="References" fields={refs} />
      </div>
    </div>
  );
}
