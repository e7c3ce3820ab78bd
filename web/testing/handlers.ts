// msw handlers that answer the UI server's API (/api/info, /api/config/*, /api/explorer/*,
// /api/dataplane/*, /api/cluster/*) from fixture objects: the same handlers serve component tests
// and `npm run dev:mock`. Routes are the server's own patterns (model/api/paths.ts).

import { http, HttpResponse, type RequestHandler } from 'msw';
import type { ReadinessRequest, ScaleRequest } from '@model/api/cluster-requests.ts';
import type { ApiErrorBody } from '@model/api/errors.ts';
import type { ServerInfo } from '@model/api/info.ts';
import { API_PREFIX, clusterApi, configApi, dataplaneApi, explorerApi, serverApi } from '@model/api/paths.ts';
import type { TraceRequest, TraceResult, TrafficRequest } from '@model/dataplane/types.ts';
import { stringifyExact } from '@web/api/exact-json.ts';
import { COMPOSITE_NH, buildDataplaneFixtures, type DataplaneFixtures } from './dataplane-fixtures.ts';
import { CONFIG_API_URL, buildFixtures, type Fixtures } from './fixtures.ts';

function json(value: unknown, status = 200): Response {
  return new HttpResponse(stringifyExact(value), {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
}

function text(body: string, status: number): Response {
  return new HttpResponse(body, { status, headers: { 'content-type': 'text/html; charset=UTF-8' } });
}

const COLLECTION_TYPES = [
  'domain',
  'project',
  'virtual-network',
  'virtual-machine',
  'virtual-machine-interface',
  'instance-ip',
  'loadbalancer',
  'loadbalancer-listener',
  'loadbalancer-pool',
  'loadbalancer-member',
];

export function createHandlers(fx: Fixtures = buildFixtures()): RequestHandler[] {
  return [
    http.get(serverApi.info.pattern, () => {
      const info: ServerInfo = { mode: 'mock', configApi: { url: CONFIG_API_URL } };
      return json(info);
    }),

    http.get(explorerApi.loadBalancers.pattern, ({ request }) => {
      const url = new URL(request.url);
      const only = url.searchParams.get('obj_uuids');
      if (only) {
        const wanted = new Set(only.split(','));
        return json({
          loadbalancers: fx.loadBalancers.filter((r) => wanted.has(r.uuid)),
          total: fx.loadBalancers.length,
          marker: null,
        });
      }
      const limit = Number(url.searchParams.get('page_limit') ?? 250);
      const marker = url.searchParams.get('page_marker');
      const start = marker ? fx.loadBalancers.findIndex((r) => r.fqName.join(':') === marker) + 1 : 0;
      const page = fx.loadBalancers.slice(start, start + limit);
      const more = start + limit < fx.loadBalancers.length;
      return json({
        loadbalancers: page,
        total: fx.loadBalancers.length,
        marker: more ? page[page.length - 1]!.fqName.join(':') : null,
      });
    }),
    http.get(explorerApi.listeners.pattern, ({ params }) =>
      json({ listeners: fx.listenersByLb.get(String(params.uuid)) ?? [] }),
    ),
    http.get(explorerApi.pools.pattern, ({ params }) =>
      json({ pools: fx.poolsByListener.get(String(params.uuid)) ?? [] }),
    ),
    http.get(explorerApi.members.pattern, ({ params }) =>
      json({ members: fx.membersByPool.get(String(params.uuid)) ?? [] }),
    ),

    http.get(configApi.root.pattern, () =>
      json({
        href: CONFIG_API_URL,
        links: COLLECTION_TYPES.flatMap((t) => [
          { link: { rel: 'collection', href: `${CONFIG_API_URL}/${t}s`, name: t, method: null } },
          { link: { rel: 'resource-base', href: `${CONFIG_API_URL}/${t}`, name: t, method: null } },
        ]),
      }),
    ),
    http.post(configApi.fqNameToId.pattern, async ({ request }) => {
      const body = (await request.json()) as { type: string; fq_name: string[] };
      const key = body.fq_name.join(':');
      for (const { type, object } of fx.objects.values())
        if (type === body.type.replace(/_/g, '-') && (object.fq_name as string[]).join(':') === key)
          return json({ uuid: object.uuid });
      // contrail-api prints the fq_name as Python's pformat of a list: ['a', 'b'].
      return text(`Name [${body.fq_name.map((part) => `'${part}'`).join(', ')}] not found`, 404);
    }),
    http.post(configApi.idToFqName.pattern, async ({ request }) => {
      const body = (await request.json()) as { uuid: string };
      const found = fx.objects.get(body.uuid);
      return found
        ? json({ fq_name: found.object.fq_name, type: found.type })
        : text(`UUID ${body.uuid} not found`, 404);
    }),
    http.get(configApi.object.pattern, ({ params }) => {
      const found = fx.objects.get(String(params.uuid));
      if (!found) return text(`Unknown id: ${String(params.uuid)}`, 404);
      if (found.type !== params.type)
        return text(`No ${String(params.type)} object found for id ${String(params.uuid)}`, 404);
      return json({ [found.type]: found.object });
    }),
    http.get(configApi.collectionPattern.pattern, ({ params }) => {
      const type = String(params.collection).replace(/s$/, '');
      const entries = [...fx.objects.values()]
        .filter((o) => o.type === type)
        .map(({ object }) => ({ href: object.href, fq_name: object.fq_name, uuid: object.uuid }));
      return json({ [`${type}s`]: entries });
    }),
    ...createDataplaneHandlers(),
  ];
}

/** The proxy's answer when the config API is down, for error-state tests. */
export function upstreamDownHandlers(): RequestHandler[] {
  const body: ApiErrorBody = {
    error: 'Bad Gateway',
    detail: 'config API http://127.0.0.1:8082 is unreachable: ECONNREFUSED',
    status: 502,
  };
  return [
    http.get(`${API_PREFIX.explorer}/*`, () => json(body, 502)),
    http.get(`${API_PREFIX.config}/*`, () => json(body, 502)),
  ];
}

function notFound(detail: string): Response {
  const body: ApiErrorBody = { error: 'Not Found', detail, status: 404 };
  return json(body, 404);
}

function plainText(body: string): Response {
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function nodeData<T>(map: Map<string, T>, node: unknown): T | undefined {
  return map.get(String(node));
}

/** /api/dataplane/* and /api/cluster/* from the dataplane fixtures (the embedded simulation's routes). */
export function createDataplaneHandlers(dp: DataplaneFixtures = buildDataplaneFixtures()): RequestHandler[] {
  const vrfNameOf = (node: string, vrf: string | null) => {
    const list = dp.vrfs.get(node) ?? [];
    return (
      /^\d+$/.test(vrf ?? '') ? list.find((v) => v.ucindex === Number(vrf)) : list.find((v) => v.name === vrf)
    )?.name;
  };
  const sourcePod = (from: string) =>
    dp.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === from);
  const service = (to: string, port: number) =>
    dp.services.find((s) => s.spec.clusterIP === to && s.spec.ports.some((p) => p.port === port));

  return [
    http.get(dataplaneApi.vrouters.pattern, () => json({ vrouters: dp.vrouters })),
    http.get(dataplaneApi.vrfs.pattern, ({ params }) => {
      const list = nodeData(dp.vrfs, params.node);
      return list ? json({ vrf_list: list }) : notFound(`no vRouter on node ${String(params.node)}`);
    }),
    http.get(dataplaneApi.interfaces.pattern, ({ params }) =>
      json({ itf_list: nodeData(dp.interfaces, params.node) ?? [] }),
    ),
    http.get(dataplaneApi.nexthops.pattern, ({ params }) =>
      json({ nh_list: nodeData(dp.nexthops, params.node) ?? [] }),
    ),
    http.get(dataplaneApi.routes.pattern, ({ params, request }) => {
      const node = String(params.node);
      const name = vrfNameOf(node, new URL(request.url).searchParams.get('vrf'));
      const routes = name === undefined ? undefined : dp.routes.get(node)?.get(name);
      return routes ? json({ route_list: routes }) : notFound(`no VRF on ${node}`);
    }),
    http.get(dataplaneApi.flows.pattern, ({ params }) =>
      json({
        flow_list: nodeData(dp.flows, params.node) ?? [],
        flow_handle: '',
        counters: dp.vrouters.find((r) => r.name === params.node)?.flowCounters,
      }),
    ),
    http.get(dataplaneApi.cliRt.pattern, ({ params, request }) => {
      const cli = dp.cli.rt.get(`${String(params.node)}/${new URL(request.url).searchParams.get('vrf')}`);
      return cli === undefined ? notFound('no such VRF') : plainText(cli);
    }),
    http.get(dataplaneApi.cliNh.pattern, ({ params, request }) => {
      const cli = dp.cli.nh.get(`${String(params.node)}/${new URL(request.url).searchParams.get('id')}`);
      return cli === undefined ? notFound('no such next hop') : plainText(cli);
    }),
    http.get(dataplaneApi.cliFlow.pattern, ({ params }) =>
      plainText(dp.cli.flow.get(String(params.node)) ?? ''),
    ),
    http.post(dataplaneApi.trace.pattern, async ({ request }) => {
      const body = (await request.json()) as TraceRequest;
      const from = sourcePod(body.from);
      if (!from) return notFound(`no pod ${body.from}`);
      const svc = service(body.to, body.port);
      const forward = dp.flows.get('k8s-node1')![0]!;
      const sport = body.sourcePort ?? forward.sport;
      const ecmp = {
        node: 'k8s-node1',
        nexthopId: COMPOSITE_NH,
        slot: 0,
        slots: 3,
        hash: '47958324391492',
        seed: 719564356,
        hashFields: [
          'l3-source-address',
          'l3-destination-address',
          'l4-protocol',
          'l4-source-port',
          'l4-destination-port',
        ],
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
      const result: TraceResult = svc
        ? {
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
          }
        : {
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
      return json(result);
    }),
    http.post(dataplaneApi.traffic.pattern, async ({ request }) => {
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

    http.get(clusterApi.list.pattern, ({ params }) => {
      const items = { pods: dp.pods, services: dp.services, deployments: dp.deployments }[
        String(params.plural)
      ];
      return items ? json({ items }) : notFound(`unknown resource ${String(params.plural)}`);
    }),
    http.put(clusterApi.scale.pattern, async ({ params, request }) => {
      const body = (await request.json()) as ScaleRequest;
      const found = dp.deployments.find(
        (d) => d.metadata.namespace === params.namespace && d.metadata.name === params.name,
      );
      if (!found) return notFound(`Deployment ${String(params.namespace)}/${String(params.name)} not found`);
      return json({ ...found, spec: { replicas: body.replicas } });
    }),
    http.put(clusterApi.readiness.pattern, async ({ params, request }) => {
      const body = (await request.json()) as ReadinessRequest;
      const found = dp.pods.find(
        (p) => p.metadata.namespace === params.namespace && p.metadata.name === params.name,
      );
      if (!found) return notFound(`Pod ${String(params.namespace)}/${String(params.name)} not found`);
      return json({
        ...found,
        status: {
          ...found.status,
          conditions: found.status.conditions.map((c) =>
            c.type === 'Ready' ? { ...c, status: body.ready ? 'True' : 'False' } : c,
          ),
        },
      });
    }),
  ];
}
