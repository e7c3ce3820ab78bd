// GET /api/explorer/*: the load balancer tree, one level per request, assembled from the config API
// over HTTP with one list query per level (back_ref_id / parent_id / obj_uuids), never one GET per object.

import { STATUS_CODES } from 'node:http';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Pool, errors as undiciErrors } from 'undici';
import { keyValue, propertyStruct } from '@model/contrail/read.ts';
import type { ListenerRow, LoadBalancerPage, LoadBalancerRow, MemberRow, PoolRow } from '@model/explorer.ts';

export interface ExplorerOptions {
  /** The config API base URL the proxy uses (embedded or a real contrail-api). */
  upstream: string;
  /** Keystone token sent as X-Auth-Token, as the proxy does; never exposed to the browser. */
  token?: string | undefined;
  /** Upstream response deadline in ms (504 past it). */
  timeoutMs?: number;
  /** Load balancers per page of GET /api/explorer/loadbalancers when the client names none. */
  defaultPageLimit?: number;
}

/** Largest page a client may ask for; keeps one page's uuid lists within a few URL chunks. */
export const MAX_PAGE_LIMIT = 1000;
/**
 * Node's default 16 KiB header limit bounds a request line to ~16k characters; 150 uuids (5.5 kB)
 * per `back_ref_id`/`parent_id`/`obj_uuids` list keeps well under it on any contrail-api front end.
 * A level larger than that is fetched in parallel chunks of the same list query.
 */
const UUIDS_PER_QUERY = 150;
/** Member statuses that count as down; native LBs leave status null, which counts as up. */
const DOWN_STATUSES = new Set(['DOWN', 'ERROR', 'OFFLINE', 'INACTIVE', 'DISABLED']);

type Json = Record<string, unknown>;

class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function explorerRoutes(opts: ExplorerOptions): FastifyPluginAsync {
  return async (app) => {
    const upstream = new URL(opts.upstream);
    const basePath = upstream.pathname.replace(/\/$/, '');
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const defaultPageLimit = opts.defaultPageLimit ?? 250;
    const pool = new Pool(upstream.origin, {
      connections: 16,
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connectTimeout: Math.min(timeoutMs, 10_000),
    });
    app.addHook('onClose', async () => pool.close());

    async function getJson(path: string): Promise<Json> {
      let res;
      try {
        res = await pool.request({
          method: 'GET',
          path: `${basePath}${path}`,
          headers: { accept: 'application/json', ...(opts.token ? { 'x-auth-token': opts.token } : {}) },
        });
      } catch (err) {
        throw upstreamFailure(err, upstream.origin, timeoutMs);
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (err) {
        throw upstreamFailure(err, upstream.origin, timeoutMs);
      }
      if (res.statusCode >= 400) {
        const status = res.statusCode >= 500 ? 502 : res.statusCode;
        throw new UpstreamError(
          status,
          status === 502 ? 'Bad Gateway' : (STATUS_CODES[res.statusCode] ?? 'Error'),
          `config API answered ${res.statusCode} to GET ${path.split('?')[0]}: ${text.trim().slice(0, 500)}`,
        );
      }
      try {
        return JSON.parse(text) as Json;
      } catch {
        throw new UpstreamError(
          502,
          'Bad Gateway',
          `config API sent a body that is not JSON for GET ${path}`,
        );
      }
    }

    /** `GET /<type>s?detail=true&…` → the inner objects. */
    async function listDetail(type: string, params: Record<string, string>): Promise<Json[]> {
      const query = new URLSearchParams({ detail: 'true', ...params });
      const body = await getJson(`/${type}s?${query.toString()}`);
      const entries = body[`${type}s`];
      if (!Array.isArray(entries))
        throw new UpstreamError(502, 'Bad Gateway', `config API list of ${type}s has no "${type}s" array`);
      return entries.map((entry) => (entry as Json)[type] as Json);
    }

    /** One list query over a uuid anchor, in URL-sized chunks run in parallel. */
    async function listAnchored(
      type: string,
      anchor: 'back_ref_id' | 'parent_id' | 'obj_uuids',
      uuids: readonly string[],
      params: Record<string, string> = {},
    ): Promise<Json[]> {
      const unique = [...new Set(uuids)];
      if (unique.length === 0) return [];
      const chunks: string[][] = [];
      for (let i = 0; i < unique.length; i += UUIDS_PER_QUERY)
        chunks.push(unique.slice(i, i + UUIDS_PER_QUERY));
      const pages = await Promise.all(
        chunks.map((chunk) => listDetail(type, { ...params, [anchor]: chunk.join(',') })),
      );
      return pages.flat();
    }

    app.get<{ Querystring: { page_limit?: string; page_marker?: string; obj_uuids?: string } }>(
      '/loadbalancers',
      (req, reply) =>
        send(reply, async () => {
          const pageLimit = parsePageLimit(req.query.page_limit, defaultPageLimit);
          const selection: Record<string, string> = req.query.obj_uuids
            ? { obj_uuids: req.query.obj_uuids }
            : // contrail-api pages only when page_marker is present; "None" asks for the first page.
              { page_limit: String(pageLimit), page_marker: req.query.page_marker || 'None' };
          const [lbPage, countBody] = await Promise.all([
            getJson(`/loadbalancers?${new URLSearchParams({ detail: 'true', ...selection }).toString()}`),
            getJson('/loadbalancers?count=true'),
          ]);
          const lbs = ((lbPage.loadbalancers as Json[] | undefined) ?? []).map((e) => e.loadbalancer as Json);
          const marker = typeof lbPage.marker === 'string' ? lbPage.marker : null;
          const total = Number((countBody.loadbalancers as Json | undefined)?.count ?? lbs.length);
          const listeners = await listAnchored(
            'loadbalancer-listener',
            'back_ref_id',
            lbs.map((lb) => String(lb.uuid)),
          );
          const pools = await listAnchored(
            'loadbalancer-pool',
            'back_ref_id',
            listeners.map((l) => String(l.uuid)),
            { fields: 'loadbalancer_listener_refs' },
          );
          const members = await listAnchored(
            'loadbalancer-member',
            'parent_id',
            pools.map((p) => String(p.uuid)),
            { fields: 'loadbalancer_member_properties' },
          );
          const page: LoadBalancerPage = {
            loadbalancers: assembleLoadBalancerRows(lbs, listeners, pools, members),
            total,
            marker,
          };
          return page;
        }),
    );

    app.get<{ Params: { uuid: string } }>('/loadbalancers/:uuid/listeners', (req, reply) =>
      send(reply, async () => {
        const listeners = await listAnchored('loadbalancer-listener', 'back_ref_id', [req.params.uuid]);
        const pools = await listAnchored(
          'loadbalancer-pool',
          'back_ref_id',
          listeners.map((l) => String(l.uuid)),
          { fields: 'display_name,loadbalancer_listener_refs,loadbalancer_members' },
        );
        return { listeners: assembleListenerRows(listeners, pools) };
      }),
    );

    app.get<{ Params: { uuid: string } }>('/listeners/:uuid/pools', (req, reply) =>
      send(reply, async () => {
        const pools = await listAnchored('loadbalancer-pool', 'back_ref_id', [req.params.uuid], {
          fields: 'display_name,loadbalancer_pool_properties,loadbalancer_listener_refs',
        });
        const members = await listAnchored(
          'loadbalancer-member',
          'parent_id',
          pools.map((p) => String(p.uuid)),
          { fields: 'loadbalancer_member_properties' },
        );
        return { pools: assemblePoolRows(pools, members) };
      }),
    );

    app.get<{ Params: { uuid: string } }>('/pools/:uuid/members', (req, reply) =>
      send(reply, async () => {
        const members = await listAnchored('loadbalancer-member', 'parent_id', [req.params.uuid]);
        const vmiUuids = members.flatMap((m) => keyValue(m, 'vmi') ?? []);
        const vmUuids = members.flatMap((m) => keyValue(m, 'vm') ?? []);
        const [vmis, instanceIps, vms, vrouters] = await Promise.all([
          listAnchored('virtual-machine-interface', 'obj_uuids', vmiUuids),
          listAnchored('instance-ip', 'back_ref_id', vmiUuids),
          listAnchored('virtual-machine', 'obj_uuids', vmUuids),
          listAnchored('virtual-router', 'back_ref_id', vmUuids),
        ]);
        return { members: assembleMemberRows(members, { vmis, instanceIps, vms, vrouters }) };
      }),
    );
  };
}

function send(reply: FastifyReply, work: () => Promise<unknown>) {
  return work().then(
    (body) => reply.type('application/json; charset=utf-8').send(body),
    (err: unknown) => {
      if (err instanceof UpstreamError)
        return reply
          .code(err.status)
          .type('application/json; charset=utf-8')
          .send({ error: err.error, detail: err.detail, status: err.status });
      throw err;
    },
  );
}

function parsePageLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0 || value > MAX_PAGE_LIMIT)
    throw Object.assign(new Error(`page_limit=${text} must be an integer from 1 to ${MAX_PAGE_LIMIT}`), {
      statusCode: 400,
    });
  return value;
}

function upstreamFailure(err: unknown, origin: string, timeoutMs: number): UpstreamError {
  const code = (err as { code?: string }).code ?? '';
  const timedOut =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    /TIMEOUT/i.test(code);
  if (timedOut)
    return new UpstreamError(
      504,
      'Gateway Timeout',
      `config API ${origin} did not answer in ${timeoutMs} ms`,
    );
  return new UpstreamError(
    502,
    'Bad Gateway',
    `config API ${origin} is unreachable: ${code || (err as Error).message}`,
  );
}

// ---- pure assembly (exported for tests) --------------------------------------------------------

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function refUuids(obj: Json, field: string): string[] {
  const refs = obj[field];
  return Array.isArray(refs) ? refs.map((r) => String((r as Json).uuid)) : [];
}

function envelope(obj: Json) {
  const fqName = Array.isArray(obj.fq_name) ? (obj.fq_name as string[]) : [];
  const name = str(obj.name) ?? fqName[fqName.length - 1] ?? String(obj.uuid);
  return { uuid: String(obj.uuid), name, displayName: str(obj.display_name) ?? name, fqName };
}

/**
 * The Kubernetes namespace of a kube-manager object: its `namespace` annotation, else the `<ns>`
 * of a `<ns>__<svc>` display name, else its project's name.
 */
export function namespaceOf(obj: Json): string | null {
  const annotated = keyValue(obj, 'namespace');
  if (annotated) return annotated;
  const display = str(obj.display_name);
  if (display && display.includes('__')) return display.slice(0, display.indexOf('__'));
  const fqName = Array.isArray(obj.fq_name) ? (obj.fq_name as string[]) : [];
  return fqName.length >= 3 ? (fqName[fqName.length - 2] ?? null) : null;
}

function isMemberUp(member: Json): boolean {
  const p = propertyStruct(member, 'loadbalancer_member_properties');
  const status = str(p.status);
  return p.admin_state !== false && !(status && DOWN_STATUSES.has(status.toUpperCase()));
}

function groupBy<T>(items: readonly T[], keysOf: (item: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items)
    for (const key of keysOf(item)) {
      const list = out.get(key);
      if (list) list.push(item);
      else out.set(key, [item]);
    }
  return out;
}

function byText(a: { displayName: string }, b: { displayName: string }): number {
  return a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0;
}

export function assembleLoadBalancerRows(
  lbs: readonly Json[],
  listeners: readonly Json[],
  pools: readonly Json[],
  members: readonly Json[],
): LoadBalancerRow[] {
  const listenersByLb = groupBy(listeners, (l) => refUuids(l, 'loadbalancer_refs'));
  const poolsByListener = groupBy(pools, (p) => refUuids(p, 'loadbalancer_listener_refs'));
  const membersByPool = groupBy(members, (m) => [String(m.parent_uuid)]);
  return lbs.map((lb) => {
    const lbProps = propertyStruct(lb, 'loadbalancer_properties');
    const own = listenersByLb.get(String(lb.uuid)) ?? [];
    const ownMembers = own
      .flatMap((l) => poolsByListener.get(String(l.uuid)) ?? [])
      .flatMap((p) => membersByPool.get(String(p.uuid)) ?? []);
    return {
      ...envelope(lb),
      namespace: namespaceOf(lb),
      vip: str(lbProps.vip_address),
      provider: str(lb.loadbalancer_provider),
      listeners: own
        .map((l) => {
          const lp = propertyStruct(l, 'loadbalancer_listener_properties');
          return { uuid: String(l.uuid), protocol: str(lp.protocol), port: num(lp.protocol_port) };
        })
        .sort((a, b) => (a.port ?? 0) - (b.port ?? 0)),
      membersUp: ownMembers.filter(isMemberUp).length,
      membersTotal: ownMembers.length,
      operatingStatus: str(lbProps.operating_status),
      provisioningStatus: str(lbProps.provisioning_status),
      adminState: lbProps.admin_state !== false,
    };
  });
}

export function assembleListenerRows(listeners: readonly Json[], pools: readonly Json[]): ListenerRow[] {
  const poolsByListener = groupBy(pools, (p) => refUuids(p, 'loadbalancer_listener_refs'));
  return listeners
    .map((l) => {
      const lp = propertyStruct(l, 'loadbalancer_listener_properties');
      const own = poolsByListener.get(String(l.uuid)) ?? [];
      return {
        ...envelope(l),
        loadbalancerUuid: refUuids(l, 'loadbalancer_refs')[0] ?? null,
        protocol: str(lp.protocol),
        port: num(lp.protocol_port),
        portName: keyValue(l, 'portName') ?? null,
        connectionLimit: num(lp.connection_limit),
        adminState: lp.admin_state !== false,
        pools: own.map((p) => ({ uuid: String(p.uuid), name: envelope(p).displayName })),
        membersTotal: own.reduce(
          (n, p) => n + (Array.isArray(p.loadbalancer_members) ? p.loadbalancer_members.length : 0),
          0,
        ),
      };
    })
    .sort((a, b) => (a.port ?? 0) - (b.port ?? 0) || byText(a, b));
}

export function assemblePoolRows(pools: readonly Json[], members: readonly Json[]): PoolRow[] {
  const membersByPool = groupBy(members, (m) => [String(m.parent_uuid)]);
  return pools
    .map((p) => {
      const pp = propertyStruct(p, 'loadbalancer_pool_properties');
      const own = membersByPool.get(String(p.uuid)) ?? [];
      return {
        ...envelope(p),
        listenerUuid: refUuids(p, 'loadbalancer_listener_refs')[0] ?? null,
        protocol: str(pp.protocol),
        method: str(pp.loadbalancer_method),
        sessionPersistence: str(pp.session_persistence),
        adminState: pp.admin_state !== false,
        membersUp: own.filter(isMemberUp).length,
        membersTotal: own.length,
      };
    })
    .sort(byText);
}

export function assembleMemberRows(
  members: readonly Json[],
  related: {
    vmis: readonly Json[];
    instanceIps: readonly Json[];
    vms: readonly Json[];
    vrouters: readonly Json[];
  },
): MemberRow[] {
  const vmiByUuid = new Map(related.vmis.map((v) => [String(v.uuid), v]));
  const vmByUuid = new Map(related.vms.map((v) => [String(v.uuid), v]));
  const ipsByVmi = groupBy(related.instanceIps, (i) => refUuids(i, 'virtual_machine_interface_refs'));
  const vrouterByVm = groupBy(related.vrouters, (r) => refUuids(r, 'virtual_machine_refs'));
  return members
    .map((m) => {
      const mp = propertyStruct(m, 'loadbalancer_member_properties');
      const vmiUuid = keyValue(m, 'vmi');
      const vmi = vmiUuid ? vmiByUuid.get(vmiUuid) : undefined;
      const vmUuid = keyValue(m, 'vm') ?? (vmi ? refUuids(vmi, 'virtual_machine_refs')[0] : undefined);
      const vm = vmUuid ? vmByUuid.get(vmUuid) : undefined;
      const ips = vmiUuid ? (ipsByVmi.get(vmiUuid) ?? []) : [];
      const podIp =
        ips.map((i) => str(i.instance_ip_address)).find((a) => a !== null && !a.includes(':')) ??
        ips.map((i) => str(i.instance_ip_address)).find((a) => a !== null) ??
        null;
      const hostBinding = vmi ? keyValue(vmi, 'host_id', 'virtual_machine_interface_bindings') : undefined;
      const vrouter = vmUuid ? vrouterByVm.get(vmUuid)?.[0] : undefined;
      const status = str(mp.status);
      return {
        ...envelope(m),
        poolUuid: str(m.parent_uuid),
        targetPort: num(mp.protocol_port),
        weight: num(mp.weight),
        address: str(mp.address),
        status,
        adminState: mp.admin_state !== false,
        isUp: isMemberUp(m),
        pod: vmUuid
          ? { uuid: vmUuid, name: podName(vmi, vm), namespace: vmi ? namespaceOf(vmi) : null }
          : null,
        node: hostBinding ?? (vrouter ? envelope(vrouter).name : null),
        podIp,
        vmi: vmiUuid ? { uuid: vmiUuid, name: vmi ? envelope(vmi).name : vmiUuid } : null,
      };
    })
    .sort((a, b) => (a.pod?.name ?? a.name).localeCompare(b.pod?.name ?? b.name));
}

/** kube-manager writes the pod name as the `name` annotation of the pod's VMI and VM. */
function podName(vmi: Json | undefined, vm: Json | undefined): string | null {
  for (const obj of [vmi, vm]) {
    if (!obj) continue;
    const kind = keyValue(obj, 'kind');
    const name = keyValue(obj, 'name');
    if (name && (kind === undefined || kind === 'Pod')) return name;
  }
  if (vm) {
    const display = envelope(vm).displayName;
    const parts = display.split('__');
    if (parts.length >= 3) return parts.slice(2).join('__');
  }
  return vmi ? (envelope(vmi).displayName.split('__')[0] ?? null) : null;
}
