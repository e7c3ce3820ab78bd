// msw handlers that serve the dataplane and cluster contract (model/api/dataplane-views.ts,
// model/api/cluster-requests.ts) from the dataplane fixtures: computes, tables paged with opaque
// cursors, filtered and sorted by the contract's rules (web/api/dataplane-tables.ts) with names,
// the CLI text in pages, a VIP's topology, predicted and simulated traces with what was observed,
// the consistency check, Service-scoped cluster lists and a kube-manager that can be paused: a
// readiness change made while it is paused is drift until it resumes. Queries are parsed with the
// server's own schemas, so a bad one is a 400 naming the field, as the server answers.

import { http, HttpResponse, type RequestHandler } from 'msw';
import {
  clusterListQuerySchema,
  kubeManagerRequestSchema,
  type ReadinessRequest,
  type ScaleRequest,
} from '@model/api/cluster-requests.ts';
import {
  CLI_NEXT_CURSOR_HEADER,
  flowCliQuerySchema,
  flowPageQuerySchema,
  interfacePageQuerySchema,
  nexthopPageQuerySchema,
  nhCliPageQuerySchema,
  routePageQuerySchema,
  rtCliQuerySchema,
  topologyQuerySchema,
  traceModeSchema,
  vrfstatsCliQuerySchema,
  type Annotated,
  type Capabilities,
  type ComputeState,
  type ConsistencyProblem,
  type ConsistencyReport,
  type LbConsistency,
  type Page,
  type TraceView,
  type VipTopology,
} from '@model/api/dataplane-views.ts';
import type { ApiErrorBody } from '@model/api/errors.ts';
import { clusterApi, consistencyApi, dataplaneApi } from '@model/api/paths.ts';
import { parseInput } from '@model/api/validation.ts';
import { serviceOfLbDisplayName } from '@model/contrail/names.ts';
import type { KFlowInfo, TraceRequest, TraceResult, TrafficRequest } from '@model/dataplane/types.ts';
import { isPodReady, podKey } from '@model/kubernetes/pods.ts';
import type { KubeDeployment, KubePod, KubeService } from '@web/api/cluster.ts';
import {
  annotate,
  namingContext,
  selectRows,
  vipsByNexthop,
  type ServiceAddresses,
  type TableFilters,
  type TableName,
  type TableRecord,
} from '@web/api/dataplane-tables.ts';
import { stringifyExact } from '@web/api/exact-json.ts';
import { buildVipTopology } from '@web/api/vip-topology.ts';
import {
  buildDataplaneFixtures,
  COMPOSITE_NH,
  computeReadings,
  FIXTURE_AS_OF,
  type DataplaneFixtures,
} from './dataplane-fixtures.ts';
import type { Fixtures } from './fixtures.ts';

export const ALL_CAPABILITIES: Capabilities = {
  simulate: true,
  scale: true,
  readiness: true,
  pauseKubeManager: true,
};

function json(value: unknown, status = 200): Response {
  return new HttpResponse(stringifyExact(value), {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
}

function failure(status: 400 | 404 | 409, error: string, detail: string): Response {
  const body: ApiErrorBody = { error, detail, status };
  return json(body, status);
}

const notFound = (detail: string) => failure(404, 'Not Found', detail);
const badRequest = (detail: string) => failure(400, 'Bad Request', detail);

function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/** Opaque to the client: the offset of the page's first row. */
function cursorAt(offset: number): string {
  return btoa(`rows:${offset}`);
}

function offsetOf(cursor: string | undefined): number | null {
  if (cursor === undefined) return 0;
  try {
    const match = /^rows:(\d+)$/.exec(atob(cursor));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const BAD_CURSOR = 'query.cursor: must be a cursor from a previous page';

function page<T>(rows: readonly T[], total: number, limit: number, offset: number) {
  const end = offset + limit;
  return {
    items: rows.slice(offset, end),
    total,
    matched: rows.length,
    cursor: end < rows.length ? cursorAt(end) : null,
    asOf: FIXTURE_AS_OF,
  };
}

function serviceAddresses(services: readonly KubeService[]): ServiceAddresses[] {
  return services.map((s) => ({
    key: `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`,
    uid: s.metadata.uid ?? '',
    ips: [...(s.spec.clusterIP ? [s.spec.clusterIP] : []), ...(s.spec.externalIPs ?? [])],
  }));
}

function selects(service: KubeService, labels: Readonly<Record<string, string>> | undefined): boolean {
  const selector = service.spec.selector;
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels?.[k] === v)
  );
}

interface DataplaneOptions {
  /** The explorer fixtures: load balancers for the consistency check and `?lb=` topologies. */
  explorer?: Fixtures;
  capabilities?: Capabilities;
}

/** /api/dataplane/*, /api/consistency* and /api/cluster/* over the dataplane fixtures. */
export function createDataplaneHandlers(
  dp: DataplaneFixtures = buildDataplaneFixtures(),
  opts: DataplaneOptions = {},
): RequestHandler[] {
  const capabilities = opts.capabilities ?? ALL_CAPABILITIES;
  const state = {
    pods: dp.pods.map((p) => structuredClone(p)),
    deployments: dp.deployments.map((d) => structuredClone(d)),
    paused: false,
    /** Readiness changed while kube-manager was paused: what its members still say. */
    stale: new Map<string, boolean>(),
  };
  const services = serviceAddresses(dp.services);
  const computes = dp.vrouters.map((r) => ({ name: r.name, ip: r.ip }));
  const known = (node: string) => dp.vrouters.some((r) => r.name === node);
  const unknownNode = (node: string) =>
    notFound(`no vRouter on node ${node}; computes: ${computes.map((c) => c.name).join(', ')}`);
  const vrfNameOf = (node: string, vrf: string | undefined) => {
    const list = dp.vrfs.get(node) ?? [];
    return (
      /^\d+$/.test(vrf ?? '') ? list.find((v) => v.ucindex === Number(vrf)) : list.find((v) => v.name === vrf)
    )?.name;
  };

  // Rows are named once per table: the fixtures do not change under them.
  const annotated = new Map<string, Annotated<unknown>[]>();
  const rowsOf = <K extends TableName>(table: K, node: string, vrf: string): Annotated<TableRecord[K]>[] => {
    const key = `${table}/${node}/${vrf}`;
    const cached = annotated.get(key);
    if (cached) return cached as Annotated<TableRecord[K]>[];
    const compositeVips = new Map<number, string[]>();
    for (const routes of dp.routes.get(node)?.values() ?? [])
      for (const [id, vips] of vipsByNexthop(routes)) compositeVips.set(id, vips);
    const ctx = namingContext({ node, computes, interfaces: dp.interfaces, services, compositeVips });
    const records = {
      routes: dp.routes.get(node)?.get(vrf) ?? [],
      nexthops: dp.nexthops.get(node) ?? [],
      interfaces: dp.interfaces.get(node) ?? [],
      flows: dp.flows.get(node) ?? [],
    }[table] as TableRecord[K][];
    const rows = annotate(table, records, ctx);
    annotated.set(key, rows as Annotated<unknown>[]);
    return rows;
  };
  const podIps = new Map(
    [...dp.interfaces.values()].flat().flatMap((i) => {
      const pod = dp.pods.find((p) => p.status.podIP === i.ip_addr);
      return pod ? [[podKey(pod), i.ip_addr] as const] : [];
    }),
  );

  const tableHandler = <K extends TableName>(
    table: K,
    route: { pattern: string },
    schema: Parameters<typeof parseInput>[0],
  ) =>
    http.get(route.pattern, ({ params, request }) => {
      const node = String(params.node);
      if (!known(node)) return unknownNode(node);
      const parsed = parseInput(schema, queryOf(request), 'query');
      if (!parsed.ok) return badRequest(parsed.message);
      const {
        limit = 200,
        cursor,
        ...filters
      } = parsed.value as TableFilters[K] & {
        limit?: number;
        cursor?: string;
      };
      const offset = offsetOf(cursor);
      if (offset === null) return badRequest(BAD_CURSOR);
      let vrf = '';
      if (table === 'routes') {
        const name = vrfNameOf(node, (filters as TableFilters['routes']).vrf);
        if (name === undefined)
          return notFound(`no VRF ${(filters as TableFilters['routes']).vrf} on ${node}`);
        vrf = name;
      }
      const rows = rowsOf(table, node, vrf);
      const kept = selectRows(table, rows, filters as TableFilters[K], { podIps });
      const body: Page<TableRecord[K]> = page(kept, rows.length, limit, offset);
      return json(body);
    });

  /**
   * A utility's text; the long ones (`rt`, `nh --list`, `flow -l`) in pages whose cursor is the
   * next record's index, as the server pages them. A query parameter a utility does not take is
   * refused by its schema, as the server does (the others take none and ignore the query).
   */
  const cliHandler = (
    command: string,
    route: { pattern: string },
    schema?: Parameters<typeof parseInput>[0],
    keyParam?: 'vrf' | 'id',
  ) =>
    http.get(route.pattern, ({ params, request }) => {
      const node = String(params.node);
      if (!known(node)) return unknownNode(node);
      let q: { limit?: number; cursor?: number; vrf?: string; id?: number } = {};
      if (schema) {
        const parsed = parseInput(schema, queryOf(request), 'query');
        if (!parsed.ok) return badRequest(parsed.message);
        q = parsed.value as typeof q;
      }
      const selector = keyParam === undefined ? undefined : q[keyParam];
      const key = selector === undefined ? `${command}/${node}` : `${command}/${node}/${selector}`;
      const text = dp.cli.get(key);
      if (!text) return notFound(`no ${command} output for ${key}`);
      const offset = q.cursor ?? 0;
      const end = q.limit === undefined ? text.records.length : offset + q.limit;
      const lines = [...(offset === 0 ? text.header : []), ...text.records.slice(offset, end)];
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      if (end < text.records.length) headers[CLI_NEXT_CURSOR_HEADER] = String(end);
      return new HttpResponse(`${lines.join('\n')}\n`, { status: 200, headers });
    });

  // ---- topology ---------------------------------------------------------------------------------
  const topologyOf = (vip: string, port: number | null, lbUuid: string | null): VipTopology => {
    const lbRow = opts.explorer?.loadBalancers.find(
      (r) => r.uuid === lbUuid || (lbUuid === null && r.vip === vip),
    );
    const memberByVmi = new Map<string, string>();
    for (const listener of lbRow ? (opts.explorer?.listenersByLb.get(lbRow.uuid) ?? []) : [])
      for (const pool of listener.pools)
        for (const m of opts.explorer?.membersByPool.get(pool.uuid) ?? [])
          if (m.vmi && !memberByVmi.has(m.vmi.uuid)) memberByVmi.set(m.vmi.uuid, m.uuid);
    const topology = buildVipTopology({
      vip,
      port,
      lb: lbRow ? { uuid: lbRow.uuid, displayName: lbRow.displayName } : null,
      computes: computeReadings(dp, vip),
      memberByVmi,
      asOf: FIXTURE_AS_OF,
    });
    const hashFields = topology.computes.find((c) => c.composite)?.composite?.hashFields ?? null;
    return { ...topology, hashFields };
  };

  // ---- consistency: Endpoints → members, drift while kube-manager is paused ---------------------
  // The messages are the server's (server/ui-server/dataplane-views/consistency.ts), so a test that
  // reads one reads what a user sees.
  const lbCheck = (row: { uuid: string; displayName: string }): LbConsistency => {
    const key = serviceOfLbDisplayName(row.displayName);
    const service = key
      ? dp.services.find((s) => s.metadata.namespace === key.namespace && s.metadata.name === key.name)
      : undefined;
    const pool = opts.explorer?.listenersByLb.get(row.uuid)?.[0]?.pools[0];
    const members = pool ? (opts.explorer?.membersByPool.get(pool.uuid) ?? []) : [];
    const problems: ConsistencyProblem[] = [];
    for (const pod of state.pods) {
      const ready = state.stale.get(podKey(pod));
      if (!service || ready === undefined || !selects(service, pod.metadata.labels)) continue;
      const serviceKey = `${service.metadata.namespace}/${service.metadata.name}`;
      const member = members.find((m) => m.podIp === pod.status.podIP);
      problems.push({
        layer: 'members',
        message: ready
          ? `pod ${pod.metadata.name} is ready but has no member in pool ${pool?.name ?? ''}`
          : `member ${member?.uuid ?? `uid-member-${pod.metadata.name}`} of pool ${pool?.name ?? ''} (pod ${podKey(pod)} (${pod.status.podIP ?? ''})) is not a ready endpoint of Service ${serviceKey}`,
      });
    }
    return {
      uuid: row.uuid,
      displayName: row.displayName,
      consistent: problems.length === 0,
      problems,
      unchecked: [],
    };
  };
  const lbRows = () => opts.explorer?.loadBalancers ?? [];

  const scoped = <T extends { metadata: { namespace?: string | undefined } }>(
    items: readonly T[],
    service: string | undefined,
    labelsOf: (item: T) => Readonly<Record<string, string>> | undefined,
  ): T[] | Response => {
    if (service === undefined) return [...items];
    const found = dp.services.find((s) => `${s.metadata.namespace}/${s.metadata.name}` === service);
    if (!found) return notFound(`Service ${service} not found`);
    return items.filter(
      (i) => i.metadata.namespace === found.metadata.namespace && selects(found, labelsOf(i)),
    );
  };

  const traceOf = (body: TraceRequest): TraceResult | Response => {
    const from = state.pods.find((p) => podKey(p) === body.from);
    if (!from) return notFound(`no pod ${body.from}`);
    const svc = dp.services.find(
      (s) => s.spec.clusterIP === body.to && s.spec.ports.some((p) => p.port === body.port),
    );
    const forward = dp.flows.get('k8s-node1')![0]!;
    const sport = body.sourcePort ?? forward.sport;
    const ecmp = {
      node: 'k8s-node1',
      nexthopId: COMPOSITE_NH,
      slot: 0,
      slots: 3,
      hash: '47958324391492',
      seed: 719564356,
      hashFields: dp.nexthops.get('k8s-node1')!.find((n) => n.nh_index === COMPOSITE_NH)!.hash_fields!,
    };
    const flowBase = {
      node: 'k8s-node1',
      proto: 6,
      vrf: 3,
      keyNh: 10,
      rpfNh: 10,
      evicted: false,
      sip: from.status.podIP!,
      sport,
      dip: body.to,
      dport: body.port,
    };
    if (!svc)
      return {
        sourceNode: 'k8s-node1',
        ecmp,
        ecmpPicks: [ecmp],
        whatIf: null,
        member: null,
        flows: [
          {
            ...flowBase,
            index: 190612,
            reverseIndex: -1,
            action: 'D(NoFipPortMap)',
            direction: 'forward',
            ecmpIndex: null,
            packets: 1,
            bytes: 64,
          },
        ],
        dropReason: 'SHORT_PORT_MAP_DROP',
        reused: false,
      };
    return {
      sourceNode: 'k8s-node1',
      ecmp,
      ecmpPicks: [ecmp],
      whatIf: null,
      member: {
        pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p',
        node: 'k8s-node1',
        ip: '10.47.255.254',
        port: 80,
      },
      flows: [
        {
          ...flowBase,
          index: 157452,
          reverseIndex: 94488,
          action: 'N(DPd)',
          direction: 'forward',
          ecmpIndex: 0,
          packets: 1,
          bytes: 64,
        },
        {
          ...flowBase,
          index: 94488,
          reverseIndex: 157452,
          action: 'N(SPs)',
          direction: 'reverse',
          ecmpIndex: null,
          packets: 0,
          bytes: 0,
          sip: '10.47.255.254',
          sport: 80,
          dip: from.status.podIP!,
          dport: sport,
        },
      ],
      dropReason: null,
      reused: false,
    };
  };

  /** The flow of that 5-tuple in a fixture flow table, and where it went. */
  const observe = (body: TraceRequest, sourceIp: string, result: TraceResult): TraceView['observed'] => {
    for (const [node, flows] of dp.flows) {
      const found = flows.find(
        (f: KFlowInfo) =>
          f.sip === sourceIp &&
          f.dip === body.to &&
          f.dport === body.port &&
          f.sport === (body.sourcePort ?? result.flows[0]?.sport),
      );
      if (found)
        return {
          node,
          flows: result.flows.filter((f) => f.index === found.index || f.index === found.rflow),
          member: result.member,
        };
    }
    return null;
  };

  return [
    http.get(dataplaneApi.vrouters.pattern, () =>
      json({
        vrouters: dp.vrouters.map(({ name, ip, vrfs, interfaces, nexthops }): ComputeState => ({
          name,
          ip,
          introspect: `http://${ip}:8085`,
          reachable: true,
          error: null,
          asOf: FIXTURE_AS_OF,
          summary: { vrfs, interfaces, nexthops },
        })),
      }),
    ),
    http.get(dataplaneApi.vrfs.pattern, ({ params }) => {
      const list = dp.vrfs.get(String(params.node));
      return list ? json({ vrf_list: list }) : unknownNode(String(params.node));
    }),
    tableHandler('routes', dataplaneApi.routes, routePageQuerySchema),
    tableHandler('nexthops', dataplaneApi.nexthops, nexthopPageQuerySchema),
    tableHandler('interfaces', dataplaneApi.interfaces, interfacePageQuerySchema),
    tableHandler('flows', dataplaneApi.flows, flowPageQuerySchema),
    http.get(dataplaneApi.nexthop.pattern, ({ params }) => {
      const node = String(params.node);
      if (!known(node)) return unknownNode(node);
      const nh = dp.nexthops.get(node)?.find((n) => n.nh_index === Number(params.id));
      return nh ? json({ nh_list: [nh] }) : notFound(`no next hop ${String(params.id)} on ${node}`);
    }),
    cliHandler('rt', dataplaneApi.cliRt, rtCliQuerySchema, 'vrf'),
    cliHandler('nh', dataplaneApi.cliNh, nhCliPageQuerySchema, 'id'),
    cliHandler('flow', dataplaneApi.cliFlow, flowCliQuerySchema),
    cliHandler('mpls', dataplaneApi.cliMpls),
    cliHandler('vif', dataplaneApi.cliVif),
    cliHandler('vrfstats', dataplaneApi.cliVrfstats, vrfstatsCliQuerySchema, 'vrf'),
    cliHandler('dropstats', dataplaneApi.cliDropstats),

    http.get(dataplaneApi.topology.pattern, ({ request }) => {
      const parsed = parseInput(topologyQuerySchema, queryOf(request), 'query');
      if (!parsed.ok) return badRequest(parsed.message);
      const q = parsed.value as { vip?: string; port?: number; lb?: string };
      if (q.lb !== undefined) {
        const row = opts.explorer?.loadBalancers.find((r) => r.uuid === q.lb);
        if (!row?.vip) return notFound(`no load balancer ${q.lb}`);
        return json(topologyOf(row.vip, q.port ?? null, row.uuid));
      }
      return json(topologyOf(q.vip!, q.port ?? null, null));
    }),

    http.post(dataplaneApi.trace.pattern, async ({ request }) => {
      const body = (await request.json()) as TraceRequest & { mode?: unknown };
      const mode = parseInput(traceModeSchema.optional(), body.mode, 'body');
      if (!mode.ok) return badRequest(mode.message.replace(/^body/, 'body.mode'));
      const chosen =
        (mode.value as 'predicted' | 'simulated' | undefined) ??
        (capabilities.simulate ? 'simulated' : 'predicted');
      if (chosen === 'simulated' && !capabilities.simulate)
        return badRequest('body.mode: "simulated" needs the embedded simulation; this server predicts only');
      const result = traceOf(body);
      if (result instanceof Response) return result;
      const source = state.pods.find((p) => podKey(p) === body.from)!.status.podIP!;
      const observed = observe(body, source, result);
      const view: TraceView = {
        ...result,
        // A prediction sends nothing: it makes no flow.
        flows: chosen === 'predicted' ? [] : result.flows,
        mode: chosen,
        observed,
        agrees: observed === null ? null : observed.member?.pod === result.member?.pod,
      };
      return json(view);
    }),
    http.post(dataplaneApi.traffic.pattern, async ({ request }) => {
      if (!capabilities.simulate) return badRequest('sending traffic needs the embedded simulation');
      const body = (await request.json()) as TrafficRequest;
      const members = [
        { pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p', node: 'k8s-node1', ip: '10.47.255.254', port: 80 },
        { pod: 'ns-user-1/webserver-psx2dvdbbb-zj2nt', node: 'k8s-node2', ip: '10.47.255.253', port: 80 },
      ];
      // Alternating members: the mock does not hash, it only has to add up to `flows`.
      return json({
        flows: body.flows,
        dropped: 0,
        reused: 0,
        members: members.map((m, i) => ({
          ...m,
          flows: Math.floor(body.flows / 2) + (i === 0 ? body.flows % 2 : 0),
        })),
        sourcePortWraps: 0,
        whatIf: null,
      });
    }),

    http.get(consistencyApi.all.pattern, () => {
      const report: ConsistencyReport = {
        loadbalancers: lbRows().map(lbCheck),
        unchecked: [],
        asOf: FIXTURE_AS_OF,
      };
      return json(report);
    }),
    http.get(consistencyApi.loadBalancer.pattern, ({ params }) => {
      const row = lbRows().find((r) => r.uuid === params.uuid);
      return row ? json(lbCheck(row)) : notFound(`no load balancer ${String(params.uuid)}`);
    }),

    http.get(clusterApi.kubeManager.pattern, () =>
      capabilities.pauseKubeManager ? json({ paused: state.paused }) : notFound('no embedded kube-manager'),
    ),
    http.put(clusterApi.kubeManager.pattern, async ({ request }) => {
      if (!capabilities.pauseKubeManager) return notFound('no embedded kube-manager');
      const parsed = parseInput(kubeManagerRequestSchema, await request.json(), 'body');
      if (!parsed.ok) return badRequest(parsed.message);
      state.paused = (parsed.value as { paused: boolean }).paused;
      // On resume kube-manager catches up: members follow readiness again.
      if (!state.paused) state.stale.clear();
      return json({ paused: state.paused });
    }),
    http.get(clusterApi.list.pattern, ({ params, request }) => {
      const parsed = parseInput(clusterListQuerySchema, queryOf(request), 'query');
      if (!parsed.ok) return badRequest(parsed.message);
      const service = (parsed.value as { service?: string }).service;
      const plural = String(params.plural);
      const items =
        plural === 'pods'
          ? scoped<KubePod>(state.pods, service, (p) => p.metadata.labels)
          : plural === 'deployments'
            ? scoped<KubeDeployment>(state.deployments, service, (d) => d.spec.template?.metadata.labels)
            : plural === 'services'
              ? dp.services
              : undefined;
      if (items instanceof Response) return items;
      return items ? json({ items }) : notFound(`unknown resource ${plural}`);
    }),
    http.put(clusterApi.scale.pattern, async ({ params, request }) => {
      if (!capabilities.scale) return notFound('no writable Kubernetes API');
      const body = (await request.json()) as ScaleRequest;
      const found = state.deployments.find(
        (d) => d.metadata.namespace === params.namespace && d.metadata.name === params.name,
      );
      if (!found) return notFound(`Deployment ${String(params.namespace)}/${String(params.name)} not found`);
      found.spec = { ...found.spec, replicas: body.replicas };
      return json(found);
    }),
    http.put(clusterApi.readiness.pattern, async ({ params, request }) => {
      if (!capabilities.readiness) return notFound('readiness belongs to the kubelet');
      const body = (await request.json()) as ReadinessRequest;
      const found = state.pods.find(
        (p) => p.metadata.namespace === params.namespace && p.metadata.name === params.name,
      );
      if (!found) return notFound(`Pod ${String(params.namespace)}/${String(params.name)} not found`);
      if (isPodReady(found) !== body.ready && state.paused) {
        const key = podKey(found);
        // Flipping back before kube-manager saw it leaves nothing to catch up on.
        if (state.stale.has(key)) state.stale.delete(key);
        else state.stale.set(key, body.ready);
      }
      found.status = {
        ...found.status,
        conditions: found.status.conditions.map((c) =>
          c.type === 'Ready' ? { ...c, status: body.ready ? 'True' : 'False' } : c,
        ),
      };
      return json(found);
    }),
  ];
}
