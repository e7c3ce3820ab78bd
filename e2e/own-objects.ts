// What a spec makes for itself and removes afterwards, so no spec relies on another's side effects:
// config objects through the config API (:8082, with a Keystone token, as any VNC client would) and Kubernetes objects
// through the simulation's cluster API, each under a name no other run uses.

import { randomUUID } from 'node:crypto';
import { expect, type APIRequestContext } from '@playwright/test';
import { clusterApi } from '../model/api/paths.ts';
import { configApiHeaders, E2E_CONFIG_API } from './env.ts';

/** `prefix-1a2b3c4d`: a valid Kubernetes and Contrail name, unique to this run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface CreatedObject {
  type: string;
  uuid: string;
  fq_name: string[];
}

/** Config objects created in order and deleted in reverse (children and referrers first). */
export class ConfigObjects {
  private readonly created: CreatedObject[] = [];

  constructor(private readonly request: APIRequestContext) {}

  async create(type: string, body: Record<string, unknown>): Promise<CreatedObject> {
    const res = await this.request.post(`${E2E_CONFIG_API}/${type}s`, {
      data: { [type]: body },
      headers: await configApiHeaders(),
    });
    expect(res.ok(), `POST /${type}s: ${await res.text()}`).toBe(true);
    const inner = ((await res.json()) as Record<string, { uuid: string; fq_name: string[] }>)[type]!;
    const object = { type, uuid: inner.uuid, fq_name: inner.fq_name };
    this.created.push(object);
    return object;
  }

  /** Deletes everything this spec created; every delete is attempted, the first failure is reported. */
  async deleteAll(): Promise<void> {
    const failures: string[] = [];
    for (const { type, uuid } of this.created.splice(0).reverse()) {
      const res = await this.request.delete(`${E2E_CONFIG_API}/${type}/${uuid}`, {
        headers: await configApiHeaders(),
      });
      if (!res.ok() && res.status() !== 404)
        failures.push(`DELETE /${type}/${uuid}: ${res.status()} ${await res.text()}`);
    }
    expect(failures).toEqual([]);
  }
}

/** Applies a manifest to the embedded cluster (POST /api/cluster/apply). */
export async function applyManifest(request: APIRequestContext, yaml: string): Promise<void> {
  const res = await request.post(clusterApi.apply.path(), {
    data: yaml,
    headers: { 'content-type': 'application/yaml' },
  });
  expect(res.ok(), `apply: ${await res.text()}`).toBe(true);
}

/** Deletes a namespace and everything in it (its Deployments, pods and Services). */
export async function deleteNamespace(request: APIRequestContext, namespace: string): Promise<void> {
  const res = await request.delete(clusterApi.clusterScoped.path({ plural: 'namespaces', name: namespace }));
  expect([200, 404], `delete namespace ${namespace}: ${await res.text()}`).toContain(res.status());
}
