// The pure diff between the objects kube-manager wants and the ones it owns in the store.
// Compares only the fields kube-manager sets, so a resync with nothing changed yields no writes.

import type { ObjectType } from '@model/contrail/schema.ts';
import type { StoredObject } from '@server/config-api/store.ts';
import type { DesiredObject } from './desired.ts';

export interface Plan {
  creates: DesiredObject[];
  updates: { desired: DesiredObject; current: StoredObject }[];
  deletes: StoredObject[];
}

export const emptyPlan = (): Plan => ({ creates: [], updates: [], deletes: [] });

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return false;
  for (const key of ka) if (!(key in rb) || !deepEqual(ra[key], rb[key])) return false;
  return true;
}

function sameRefs(
  desired: readonly { uuid: string; attr?: unknown }[],
  stored: readonly { uuid: string; attr: unknown }[],
): boolean {
  if (desired.length !== stored.length) return false;
  const byUuid = new Map<string, unknown>();
  for (const ref of stored) byUuid.set(ref.uuid, ref.attr);
  for (const ref of desired) {
    if (!byUuid.has(ref.uuid)) return false;
    if (!deepEqual(ref.attr ?? null, byUuid.get(ref.uuid) ?? null)) return false;
  }
  return true;
}

function sameAnnotations(
  desired: Readonly<Record<string, string>>,
  stored: StoredObject['annotations'],
): boolean {
  const pairs = stored ?? [];
  const keys = Object.keys(desired);
  if (keys.length !== pairs.length) return false;
  for (const pair of pairs) if (desired[pair.key] !== pair.value) return false;
  return true;
}

/** True when the stored object differs from the desired one in a field kube-manager sets. */
export function needsUpdate(desired: DesiredObject, stored: StoredObject): boolean {
  if (desired.displayName !== stored.displayName) return true;
  for (const [key, value] of Object.entries(desired.props)) {
    const current = stored.props[key];
    if (value === null ? current !== undefined && current !== null : !deepEqual(value, current)) return true;
  }
  for (const [type, refs] of Object.entries(desired.refs) as [ObjectType, readonly { uuid: string }[]][])
    if (!sameRefs(refs, stored.refs.get(type) ?? [])) return true;
  if (desired.annotations !== null && !sameAnnotations(desired.annotations, stored.annotations)) return true;
  return false;
}

/**
 * Creates for desired objects not in `current`, updates for those that differ, deletes for
 * current objects not desired. `current` must hold only objects this controller owns.
 */
export function diffObjects(desired: readonly DesiredObject[], current: Iterable<StoredObject>): Plan {
  const plan = emptyPlan();
  const stored = new Map<string, StoredObject>();
  for (const obj of current) stored.set(obj.uuid, obj);
  for (const want of desired) {
    const have = stored.get(want.uuid);
    if (have) stored.delete(want.uuid);
    if (!have) plan.creates.push(want);
    else if (have.type !== want.type || have.fqKey !== want.fqName.join(':')) {
      // Same uuid, other identity: only a delete and a create can change a fq_name.
      plan.deletes.push(have);
      plan.creates.push(want);
    } else if (needsUpdate(want, have)) plan.updates.push({ desired: want, current: have });
  }
  for (const leftover of stored.values()) plan.deletes.push(leftover);
  return plan;
}

export function mergeInto(target: Plan, source: Plan): void {
  for (const c of source.creates) target.creates.push(c);
  for (const u of source.updates) target.updates.push(u);
  for (const d of source.deletes) target.deletes.push(d);
}
