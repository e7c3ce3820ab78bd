// Writes a Plan into the ConfigStore in dependency order, so the store's create rules (parents and
// ref targets exist) and 409 delete rules (no children, no back-refs) hold at every step.

import type { ObjectType } from '@model/contrail/schema.ts';
import { refField } from '@model/contrail/schema.ts';
import type { ConfigStore, ObjectBody, StoredObject } from '@server/config-api/store.ts';
import type { DesiredObject } from './desired.ts';
import type { Plan } from './diff.ts';

/**
 * Create order: a type only refers to (or hangs under) types before it. Deletes run in the
 * reverse: members → pools → listeners → loadbalancer → virtual-router → floating-ip →
 * instance-ip → VMI → virtual-machine → startup objects.
 */
export const CREATE_ORDER: readonly ObjectType[] = [
  'project',
  'network-ipam',
  'virtual-network',
  'floating-ip-pool',
  'security-group',
  'service-appliance-set',
  'virtual-machine',
  'virtual-machine-interface',
  'instance-ip',
  'floating-ip',
  'virtual-router',
  'loadbalancer',
  'loadbalancer-listener',
  'loadbalancer-pool',
  'loadbalancer-member',
];

const RANK = new Map(CREATE_ORDER.map((type, i) => [type, i]));
const rankOf = (type: ObjectType) => RANK.get(type) ?? CREATE_ORDER.length;

export interface ApplyError {
  readonly op: 'create' | 'update' | 'delete';
  readonly type: ObjectType;
  readonly uuid: string;
  readonly message: string;
}

export interface ApplyResult {
  created: StoredObject[];
  updated: StoredObject[];
  deleted: StoredObject[];
  errors: ApplyError[];
}

function bodyOf(desired: DesiredObject, forCreate: boolean, dropRefs?: ReadonlySet<string>): ObjectBody {
  const body: ObjectBody = { display_name: desired.displayName, ...desired.props };
  for (const [type, refs] of Object.entries(desired.refs) as [
    ObjectType,
    readonly { uuid: string; attr?: unknown }[],
  ][])
    body[refField(type)] = refs
      .filter((r) => !dropRefs?.has(r.uuid))
      .map((r) => ({ uuid: r.uuid, attr: r.attr ?? null }));
  if (desired.annotations !== null)
    body.annotations = {
      key_value_pair: Object.entries(desired.annotations).map(([key, value]) => ({ key, value })),
    };
  if (forCreate) {
    body.uuid = desired.uuid;
    body.fq_name = desired.fqName;
    if (desired.parentType) body.parent_type = desired.parentType;
    if (desired.perms2Owner) body.perms2 = { owner: desired.perms2Owner };
  }
  return body;
}

const fqId = (type: ObjectType, fqName: readonly string[]) => `${type}|${fqName.join(':')}`;

/**
 * Phases: (1) creates, (2) updates, (3) deletes, (4) creates that must wait for a delete (same
 * uuid or fq_name, e.g. a pod recreated under the same name) and whatever refers to them. An
 * update that will refer to such a late object is written in (2) without that ref and again in
 * (4), so the refs it drops still clear before (3). Each failed step is recorded, never thrown.
 */
export function applyPlan(store: ConfigStore, plan: Plan): ApplyResult {
  const result: ApplyResult = { created: [], updated: [], deleted: [], errors: [] };
  const deleteUuids = new Set(plan.deletes.map((d) => d.uuid));
  const deleteFqs = new Set(plan.deletes.map((d) => fqId(d.type, d.fqName)));
  const creates = [...plan.creates].sort((a, b) => rankOf(a.type) - rankOf(b.type));
  const deferred = new Set<string>();
  const deferredFqs = new Set<string>();
  for (const create of creates) {
    const parentFq = create.parentType ? fqId(create.parentType, create.fqName.slice(0, -1)) : undefined;
    const late =
      deleteUuids.has(create.uuid) ||
      deleteFqs.has(fqId(create.type, create.fqName)) ||
      (parentFq !== undefined && deferredFqs.has(parentFq)) ||
      Object.values(create.refs).some((refs) => refs?.some((r) => deferred.has(r.uuid)));
    if (late) {
      deferred.add(create.uuid);
      deferredFqs.add(fqId(create.type, create.fqName));
    }
  }

  const attempt = (op: ApplyError['op'], type: ObjectType, uuid: string, write: () => StoredObject): void => {
    try {
      const obj = write();
      (op === 'create' ? result.created : op === 'update' ? result.updated : result.deleted).push(obj);
    } catch (err) {
      result.errors.push({ op, type, uuid, message: (err as Error).message });
    }
  };
  const create = (d: DesiredObject) =>
    attempt('create', d.type, d.uuid, () => store.create(d.type, bodyOf(d, true)));

  for (const d of creates) if (!deferred.has(d.uuid)) create(d);
  const lateUpdates: DesiredObject[] = [];
  for (const { desired } of plan.updates) {
    const refersLate = Object.values(desired.refs).some((refs) => refs?.some((r) => deferred.has(r.uuid)));
    attempt('update', desired.type, desired.uuid, () =>
      store.update(desired.type, desired.uuid, bodyOf(desired, false, refersLate ? deferred : undefined)),
    );
    if (refersLate) lateUpdates.push(desired);
  }
  const deletes = [...plan.deletes].sort((a, b) => rankOf(b.type) - rankOf(a.type));
  for (const d of deletes) attempt('delete', d.type, d.uuid, () => store.delete(d.type, d.uuid));
  for (const d of creates) if (deferred.has(d.uuid)) create(d);
  for (const d of lateUpdates)
    attempt('update', d.type, d.uuid, () => store.update(d.type, d.uuid, bodyOf(d, false)));
  return result;
}
