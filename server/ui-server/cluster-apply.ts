// POST /api/cluster/apply as a Kubernetes client does it: each object of the manifest is
// server-side applied on its own (our field manager), all or nothing — every object is first
// applied as a dry run (`dryRun=All`) and only when all pass is each applied for real, in manifest
// order. Errors name the document (`document 2 (Service ns/web): spec.ports[0].port: …`). Speaks
// only through the Kubernetes client; every rule about the objects is the API server's.

import { API_RESOURCES, groupVersion, type ApiResource } from '@model/kubernetes/resources.ts';
import { InvalidRequest } from '../errors.ts';
import { HttpError } from './errors.ts';
import { KubernetesError, type ApplyResult, type ObjectRef } from './kubernetes-client.ts';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** One applied object, as kubectl reports it (`namespace/web created`). */
export interface AppliedObject {
  kind: string;
  namespace?: string;
  name: string;
  action: ApplyAction;
}

/** What the apply needs from the Kubernetes client. */
export interface ApplyTarget {
  apply(ref: ObjectRef, body: Record<string, unknown>, opts: { dryRun: boolean }): Promise<ApplyResult>;
}

interface PlannedObject {
  index: number;
  ref: ObjectRef;
  body: Record<string, unknown>;
  /** `document 2 (Service ns/web)`, with the namespace as the document gives it. */
  where: string;
}

/** Writable kinds by kind name; a Map so `constructor` is simply not one. */
const WRITABLE: ReadonlyMap<string, ApiResource> = new Map(
  API_RESOURCES.filter((r) => !r.readOnly).map((r) => [r.kind, r]),
);

/** Dry runs in flight at once: each is independent, and the API server answers them in parallel. */
const DRY_RUN_CONCURRENCY = 8;

/** `document 2 (Service ns-user-1/web)`. */
export function describeDocument(index: number, kind: unknown, namespace: unknown, name: unknown): string {
  const kindText = typeof kind === 'string' ? kind : 'unknown kind';
  const nameText =
    typeof name === 'string' ? ` ${typeof namespace === 'string' ? `${namespace}/` : ''}${name}` : '';
  return `document ${index} (${kindText}${nameText})`;
}

/**
 * A name the API server can take as a path segment (apimachinery
 * `api/validation/path/name.go` ValidatePathSegmentName): not `.` or `..`, no `/` or `%`.
 */
export function pathSegmentProblem(name: string): string | undefined {
  if (name === '') return 'may not be empty';
  if (name === '.' || name === '..') return `may not be '${name}'`;
  if (name.includes('/')) return "may not contain '/'";
  if (name.includes('%')) return "may not contain '%'";
  return undefined;
}

/** Each object's resource, namespace and name, checked before anything is sent. */
export function planApply(objects: readonly unknown[]): PlannedObject[] {
  const seen = new Set<string>();
  return objects.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InvalidRequest(`document ${index}: must be an object with apiVersion, kind and metadata`);
    const object = raw as Record<string, unknown>;
    const metadata = object.metadata as Record<string, unknown> | undefined;
    const where = describeDocument(index, object.kind, metadata?.namespace, metadata?.name);
    const resource = typeof object.kind === 'string' ? WRITABLE.get(object.kind) : undefined;
    if (!resource)
      throw new InvalidRequest(
        `${where}: kind: must be one of ${[...WRITABLE.keys()].join(', ')}, not ${JSON.stringify(object.kind ?? null)}`,
      );
    const expected = groupVersion(resource);
    if (object.apiVersion !== expected)
      throw new InvalidRequest(
        `${where}: apiVersion: must be ${expected} for ${resource.kind}, not ${JSON.stringify(object.apiVersion ?? null)}`,
      );
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      throw new InvalidRequest(`${where}: metadata: Required value`);
    if (typeof metadata.name !== 'string' || metadata.name === '')
      throw new InvalidRequest(`${where}: metadata.name: Required value: name is required for apply`);
    const nameProblem = pathSegmentProblem(metadata.name);
    if (nameProblem)
      throw new InvalidRequest(
        `${where}: metadata.name: Invalid value: ${JSON.stringify(metadata.name)}: ${nameProblem}`,
      );
    let namespace: string | undefined;
    let body = object;
    if (resource.namespaced) {
      if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string')
        throw new InvalidRequest(`${where}: metadata.namespace: must be a string`);
      namespace = (metadata.namespace as string | undefined) || 'default';
      const nsProblem = pathSegmentProblem(namespace);
      if (nsProblem)
        throw new InvalidRequest(
          `${where}: metadata.namespace: Invalid value: ${JSON.stringify(namespace)}: ${nsProblem}`,
        );
    } else if (metadata.namespace !== undefined) {
      // kubectl drops the namespace of a cluster-scoped object rather than send it.
      const { namespace: _dropped, ...rest } = metadata;
      body = { ...object, metadata: rest };
    }
    const key = `${resource.kind}/${namespace ?? ''}/${metadata.name}`;
    if (seen.has(key))
      throw new InvalidRequest(`${where}: metadata.name: the same object appears twice in this manifest`);
    seen.add(key);
    return { index, ref: { resource, namespace, name: metadata.name }, body, where };
  });
}

/**
 * The dry run of an object whose namespace an earlier document creates fails with 404 for that
 * namespace: the object is checked when it is applied for real, after its namespace exists.
 */
function waitsForNamespace(err: unknown, planned: PlannedObject, pending: ReadonlySet<string>): boolean {
  const details = err instanceof KubernetesError ? err.kubeStatus?.details : undefined;
  return (
    err instanceof KubernetesError &&
    err.kubeStatus?.code === 404 &&
    details?.kind === 'namespaces' &&
    details.name !== undefined &&
    details.name === planned.ref.namespace &&
    pending.has(details.name)
  );
}

/** The API server's refusal of one object, as the browser reads it: the document, then what is wrong. */
function refusalOf(err: unknown, planned: PlannedObject, appliedBefore: number): unknown {
  if (!(err instanceof KubernetesError) || err.status >= 500) return err;
  const causes = err.kubeStatus?.details?.causes ?? [];
  // An Invalid Status lists each field; otherwise its message says it all.
  const what =
    err.kubeStatus?.reason === 'Invalid' && causes.length > 0
      ? causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')
      : err.message;
  const after =
    appliedBefore > 0
      ? `; documents 0 to ${appliedBefore - 1} were applied before it (their dry run passed)`
      : '';
  return new HttpError(err.status, `${planned.where}: ${what}${after}`);
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Applies a manifest's objects all or nothing, and says what each became. */
export async function applyObjects(
  objects: readonly unknown[],
  target: ApplyTarget,
): Promise<AppliedObject[]> {
  const plan = planApply(objects);
  const pendingNamespaces = new Set(
    plan.filter((p) => p.ref.resource.kind === 'Namespace').map((p) => p.ref.name),
  );
  // Dry runs: the first failing document in manifest order is the one reported.
  const versionBefore = new Map<number, string | undefined>();
  const failures = new Map<number, unknown>();
  await inParallel(plan, DRY_RUN_CONCURRENCY, async (planned) => {
    try {
      const dry = await target.apply(planned.ref, planned.body, { dryRun: true });
      versionBefore.set(planned.index, dry.created ? undefined : dry.object.metadata.resourceVersion);
    } catch (err) {
      if (!waitsForNamespace(err, planned, pendingNamespaces)) failures.set(planned.index, err);
    }
  });
  const first = plan.find((p) => failures.has(p.index));
  if (first) throw refusalOf(failures.get(first.index), first, 0);

  const applied: AppliedObject[] = [];
  for (const planned of plan) {
    let result: ApplyResult;
    try {
      result = await target.apply(planned.ref, planned.body, { dryRun: false });
    } catch (err) {
      throw refusalOf(err, planned, applied.length);
    }
    const before = versionBefore.get(planned.index);
    applied.push({
      kind: planned.ref.resource.kind,
      ...(planned.ref.namespace !== undefined ? { namespace: planned.ref.namespace } : {}),
      name: planned.ref.name,
      action: result.created
        ? 'created'
        : before !== undefined && before === result.object.metadata.resourceVersion
          ? 'unchanged'
          : 'configured',
    });
  }
  return applied;
}
