// The UI server's client of a Kubernetes API — the embedded cluster's, or a real cluster's from a
// kubeconfig — speaking only the API's JSON over HTTP(S): lists paged with `limit` + `continue`,
// gets, server-side apply, delete, and the `scale` and `status` subresources. What it may write is
// fixed when it is built (everything on the embedded cluster; on a real one scale, apply and delete
// only with KUBE_WRITE=1, pod readiness never). Every failure is an UpstreamError naming the server.
// Knows nothing of routes or of the simulation.

import type { ConnectionOptions } from 'node:tls';
import { errors as undiciErrors, type Pool } from 'undici';
import { RESOURCE_BY_KIND, collectionPath, type ApiResource } from '@model/kubernetes/resources.ts';
import type { Deployment, Endpoints, KubeObject, Pod, Service } from '@model/kubernetes/types.ts';
import { HttpError, UpstreamError, reasonPhrase } from './errors.ts';
import type { UiInstruments } from './metrics.ts';
import type { KubernetesReader } from './ports.ts';
import { upstreamPool } from './upstream-pool.ts';

/** The field manager of every write the explorer makes (managedFields, server-side apply). */
export const FIELD_MANAGER = 'contrail-lb-explorer';

/** client-go's reflector pages lists by 500 (`pager.go` defaultPageSize); so do we. */
const PAGE_SIZE = 500;

const USER_AGENT = 'contrail-lb-explorer/v1';

/** A `Status` object as the API server sends it with every failure (apimachinery `meta/v1`). */
export interface KubeStatus {
  kind: 'Status';
  code: number;
  reason: string;
  message: string;
  details?: {
    name?: string;
    kind?: string;
    group?: string;
    causes?: { reason?: string; message: string; field?: string }[];
  };
}

/** The API server refused a request: its Status, and the status the browser gets. */
export class KubernetesError extends UpstreamError {
  constructor(
    status: number,
    message: string,
    /** The Status the API server answered with (absent when its body was not one). */
    readonly kubeStatus: KubeStatus | undefined,
  ) {
    super(status, message, 'status');
  }
}

export interface KubernetesConnection {
  /** `http://127.0.0.1:6443`, or a real API server's `https://…`. */
  server: string;
  /** For messages and GET /api/info: the embedded API's URL, or the kubeconfig's context and server. */
  description: string;
  /** CA, client certificate and key, server name, verification (from the kubeconfig). */
  tls?: ConnectionOptions;
  /** Credentials of each request (a bearer token, basic auth, or an exec plugin's current token). */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
}

export interface KubernetesClientOptions extends KubernetesConnection {
  /** Deadline for the response headers and for each body chunk, in ms. */
  timeoutMs: number;
  /** Scale, apply and delete are allowed (the embedded cluster; a real one with KUBE_WRITE=1). */
  writable: boolean;
  /** Why the server refuses writes, named in the error (e.g. `set KUBE_WRITE=1 to allow them`). */
  readOnlyReason?: string;
  /** Why pod readiness cannot be flipped here; undefined where it can (the embedded cluster). */
  readinessRefusal?: string;
  instruments?: Pick<UiInstruments, 'upstreamSeconds' | 'upstreamErrors'>;
}

/** Which Kubernetes API the UI server reads and what it may do there, before transport tuning. */
export type KubernetesTarget = Omit<KubernetesClientOptions, 'timeoutMs' | 'instruments'>;

/** The embedded cluster's API: every write the UI makes is allowed (it is a simulation). */
export function embeddedKubernetes(url: string): KubernetesTarget {
  return { server: url, description: `the embedded Kubernetes API at ${url}`, writable: true };
}

/**
 * A real cluster (KUBECONFIG): read always; scale, apply and delete only when `write`
 * (KUBE_WRITE=1); pod readiness never, since the kubelet owns pod conditions.
 */
export function realKubernetes(connection: KubernetesConnection, write: boolean): KubernetesTarget {
  return {
    ...connection,
    description: `${connection.description}${write ? '' : ', read-only'}`,
    writable: write,
    readOnlyReason: 'set KUBE_WRITE=1 to let it scale, apply and delete',
    readinessRefusal: `pod readiness on a real cluster (${connection.description}) is reported by the kubelet from the pod's readiness probes: a Ready condition written through the API would be overwritten at the next probe, so the explorer flips readiness only on the embedded cluster's pods`,
  };
}

/** One object by resource, namespace (namespaced kinds) and name. */
export interface ObjectRef {
  resource: ApiResource;
  namespace?: string | undefined;
  name: string;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

export interface ApplyResult {
  /** 201 from the API server: the object did not exist. */
  created: boolean;
  object: KubeObject;
}

interface Answer {
  status: number;
  text: string;
}

const resourceOf = (kind: 'Pod' | 'Service' | 'Endpoints' | 'Deployment'): ApiResource =>
  RESOURCE_BY_KIND.get(kind)!;

export class KubernetesClient implements KubernetesReader {
  readonly description: string;
  readonly server: string;
  private readonly basePath: string;
  private readonly pool: Pool;

  constructor(private readonly opts: KubernetesClientOptions) {
    const url = new URL(opts.server);
    this.server = opts.server;
    this.description = opts.description;
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = upstreamPool(url, opts.timeoutMs, {
      connections: 16,
      keepAliveTimeoutMs: 60_000,
      tls: opts.tls,
    });
  }

  /** What the explorer may do here, for GET /api/info. */
  get canWrite(): boolean {
    return this.opts.writable;
  }

  get canSetReadiness(): boolean {
    return this.opts.writable && this.opts.readinessRefusal === undefined;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  // ---- KubernetesReader ------------------------------------------------------------------------

  endpoints(namespace: string, name: string): Promise<Endpoints | undefined> {
    return this.find<Endpoints>({ resource: resourceOf('Endpoints'), namespace, name });
  }

  listEndpoints(namespace?: string): Promise<Endpoints[]> {
    return this.list<Endpoints>(resourceOf('Endpoints'), { namespace });
  }

  services(namespace?: string): Promise<Service[]> {
    return this.list<Service>(resourceOf('Service'), { namespace });
  }

  pods(namespace?: string): Promise<Pod[]> {
    return this.list<Pod>(resourceOf('Pod'), { namespace });
  }

  deployments(namespace?: string): Promise<Deployment[]> {
    return this.list<Deployment>(resourceOf('Deployment'), { namespace });
  }

  // ---- reads ------------------------------------------------------------------------------------

  /**
   * Every object of a resource, read in pages of 500 following `continue`. A continue token the
   * server no longer honours (410 Expired: compacted) restarts the list once from the beginning,
   * as client-go's pager falls back to a full list.
   */
  async list<T extends KubeObject = KubeObject>(resource: ApiResource, opts: ListOptions = {}): Promise<T[]> {
    for (let attempt = 0; ; attempt++) {
      const items: T[] = [];
      let token: string | undefined;
      try {
        do {
          const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
          if (opts.labelSelector) query.set('labelSelector', opts.labelSelector);
          if (opts.fieldSelector) query.set('fieldSelector', opts.fieldSelector);
          if (token) query.set('continue', token);
          const page = (await this.json('GET', `${collectionPath(resource, opts.namespace)}?${query}`)) as {
            items?: T[];
            metadata?: { continue?: string };
          };
          if (!Array.isArray(page.items))
            throw this.failed(
              new UpstreamError(502, `${this.who} sent a ${resource.kind} list without items`, 'body'),
            );
          // Items of a list come without apiVersion and kind from a real API server.
          for (const item of page.items) items.push(withKind(item, resource));
          token = page.metadata?.continue || undefined;
        } while (token);
        return items;
      } catch (err) {
        if (attempt === 0 && token && err instanceof KubernetesError && err.kubeStatus?.code === 410)
          continue;
        throw err;
      }
    }
  }

  /** One object, or undefined when the API server says 404. */
  async find<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.get<T>(ref);
    } catch (err) {
      if (err instanceof KubernetesError && err.kubeStatus?.code === 404) return undefined;
      throw err;
    }
  }

  /** One object; a 404 is a KubernetesError with the API server's message. */
  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    return withKind((await this.json('GET', objectPath(ref))) as T, ref.resource);
  }

  // ---- writes -----------------------------------------------------------------------------------

  /**
   * Server-side apply of one object (`application/apply-patch+yaml`, our field manager, strict
   * field validation), optionally as a dry run. Conflicts with other managers are not forced: the
   * 409 names the fields and who owns them.
   */
  async apply(
    ref: ObjectRef,
    body: Record<string, unknown>,
    opts: { dryRun: boolean },
  ): Promise<ApplyResult> {
    this.checkWritable(`apply ${ref.resource.kind} ${describeRef(ref)}`);
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' });
    if (opts.dryRun) query.set('dryRun', 'All');
    const answer = await this.send('PATCH', `${objectPath(ref)}?${query}`, {
      body: JSON.stringify(body),
      contentType: 'application/apply-patch+yaml',
    });
    return {
      created: answer.status === 201,
      object: withKind(this.parse(answer, 'PATCH') as KubeObject, ref.resource),
    };
  }

  /** Deletes one object (Background propagation: a Deployment takes its ReplicaSets and pods). */
  async delete(ref: ObjectRef): Promise<void> {
    this.checkWritable(`delete ${ref.resource.kind} ${describeRef(ref)}`);
    await this.json('DELETE', objectPath(ref), {
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
      contentType: 'application/json',
    });
  }

  /** `kubectl scale`: a merge patch of the `scale` subresource, then the Deployment as it is now. */
  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<Deployment> {
    const ref = { resource: resourceOf('Deployment'), namespace, name };
    this.checkWritable(`scale Deployment ${namespace}/${name}`);
    await this.json('PATCH', `${objectPath(ref)}/scale?fieldManager=${FIELD_MANAGER}`, {
      body: JSON.stringify({ spec: { replicas } }),
      contentType: 'application/merge-patch+json',
    });
    return this.get<Deployment>(ref);
  }

  /**
   * Sets a pod's Ready condition through its `status` subresource (a strategic merge patch: the
   * conditions list merges by `type`, core/v1 `PodStatus.conditions`). Only the embedded cluster's
   * pods: on a real cluster the kubelet owns pod conditions and would overwrite any change.
   */
  async setPodReadiness(namespace: string, name: string, ready: boolean): Promise<Pod> {
    if (this.opts.readinessRefusal !== undefined) throw new HttpError(403, this.opts.readinessRefusal);
    this.checkWritable(`set the readiness of Pod ${namespace}/${name}`);
    const ref = { resource: resourceOf('Pod'), namespace, name };
    const pod = await this.json('PATCH', `${objectPath(ref)}/status?fieldManager=${FIELD_MANAGER}`, {
      body: JSON.stringify({ status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }),
      contentType: 'application/strategic-merge-patch+json',
    });
    return withKind(pod as Pod, ref.resource);
  }

  // ---- transport --------------------------------------------------------------------------------

  private get who(): string {
    return `Kubernetes API ${this.server}`;
  }

  private checkWritable(what: string): void {
    if (!this.opts.writable)
      throw new HttpError(
        403,
        `the explorer does not write to ${this.description}: ${what} refused${this.opts.readOnlyReason ? ` (${this.opts.readOnlyReason})` : ''}`,
      );
  }

  private async json(
    method: string,
    path: string,
    body?: { body: string; contentType: string },
  ): Promise<unknown> {
    return this.parse(await this.send(method, path, body), method);
  }

  private parse(answer: Answer, method: string): unknown {
    try {
      return JSON.parse(answer.text);
    } catch {
      throw this.failed(
        new UpstreamError(502, `${this.who} sent a body that is not JSON to ${method}`, 'body'),
      );
    }
  }

  private async send(
    method: string,
    path: string,
    body?: { body: string; contentType: string },
  ): Promise<Answer> {
    const started = performance.now();
    let status: number;
    let text: string;
    try {
      const credentials = (await this.opts.headers?.()) ?? {};
      const res = await this.pool.request({
        method: method as 'GET',
        path: `${this.basePath}${path}`,
        headers: {
          ...credentials,
          accept: 'application/json',
          'user-agent': USER_AGENT,
          ...(body ? { 'content-type': body.contentType } : {}),
        },
        ...(body ? { body: body.body } : {}),
      });
      status = res.statusCode;
      this.opts.instruments?.upstreamSeconds.observe((performance.now() - started) / 1000, {
        client: 'kubernetes',
      });
      text = await res.body.text();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw this.failed(transportFailure(err, this.who, this.opts.timeoutMs));
    }
    if (status >= 400) throw this.failed(this.refusal(status, text, method, path));
    return { status, text };
  }

  /**
   * A refusal as the browser should read it. What the API server says about the request (400, 403,
   * 404, 409, 422) is passed on in its own words; what says the server or our credentials are at
   * fault (401, 5xx, anything else) is a 502 naming the server.
   */
  private refusal(status: number, text: string, method: string, path: string): KubernetesError {
    const kubeStatus = asStatus(text);
    const message = kubeStatus?.message ?? text.trim().slice(0, 500);
    const bare = path.split('?')[0];
    if (status === 401)
      return new KubernetesError(
        502,
        `${this.who} refused the explorer's credentials (401 Unauthorized) for ${method} ${bare}: check the user of ${this.description}`,
        kubeStatus,
      );
    if (status === 400 || status === 404 || status === 409 || status === 410 || status === 422)
      return new KubernetesError(status === 422 ? 400 : status, message, kubeStatus);
    if (status === 403) return new KubernetesError(403, `${this.who}: ${message}`, kubeStatus);
    return new KubernetesError(
      502,
      `${this.who} answered ${status} ${kubeStatus?.reason || reasonPhrase(status)} to ${method} ${bare}: ${message}`,
      kubeStatus,
    );
  }

  private failed<E extends UpstreamError>(error: E): E {
    this.opts.instruments?.upstreamErrors.inc({ client: 'kubernetes', reason: error.reason });
    return error;
  }
}

/** `/api/v1/namespaces/<ns>/pods/<name>`: every segment URI-encoded. */
export function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref.resource, ref.resource.namespaced ? (ref.namespace ?? 'default') : undefined)}/${encodeURIComponent(ref.name)}`;
}

function describeRef(ref: ObjectRef): string {
  return ref.resource.namespaced ? `${ref.namespace ?? 'default'}/${ref.name}` : ref.name;
}

/** A real API server's list items carry no apiVersion and kind; the UI reads `kind`. */
function withKind<T extends KubeObject>(item: T, resource: ApiResource): T {
  const o = item as { kind?: string; apiVersion?: string };
  if (o.kind && o.apiVersion) return item;
  return {
    ...item,
    kind: resource.kind,
    apiVersion: resource.group === '' ? resource.version : `${resource.group}/${resource.version}`,
  };
}

function asStatus(text: string): KubeStatus | undefined {
  try {
    const value = JSON.parse(text) as Partial<KubeStatus> | null;
    return value && value.kind === 'Status' && typeof value.message === 'string'
      ? (value as KubeStatus)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A transport failure: 504 past the deadline, 502 otherwise, the server named. */
function transportFailure(err: unknown, who: string, timeoutMs: number): UpstreamError {
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  const timedOut =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    /TIMEOUT/i.test(code);
  return timedOut
    ? new UpstreamError(504, `${who} did not answer in ${timeoutMs} ms`, 'timeout')
    : new UpstreamError(502, `${who} is unreachable: ${code || message}`, 'unreachable');
}
