// msw handlers that answer the UI server's API (/api/info, /api/config/*, /api/explorer/*, and
// through dataplane-handlers.ts /api/dataplane/*, /api/consistency*, /api/cluster/*) from fixture
// objects: the same handlers serve component tests and `npm run dev:mock`. Routes are the server's
// own patterns (model/api/paths.ts).

import { http, HttpResponse, type RequestHandler } from 'msw';
import type { ApiErrorBody } from '@model/api/errors.ts';
import type { ServerInfo } from '@model/api/info.ts';
import type { Capabilities } from '@model/api/dataplane-views.ts';
import { API_PREFIX, configApi, explorerApi, serverApi } from '@model/api/paths.ts';
import { stringifyExact } from '@web/api/exact-json.ts';
import { buildDataplaneFixtures, type DataplaneFixtures } from './dataplane-fixtures.ts';
import { ALL_CAPABILITIES, createDataplaneHandlers } from './dataplane-handlers.ts';
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

export interface HandlerOptions {
  dataplane?: DataplaneFixtures;
  /** What /api/info says the server offers; every control by default. */
  capabilities?: Capabilities;
}

export function createHandlers(fx: Fixtures = buildFixtures(), opts: HandlerOptions = {}): RequestHandler[] {
  const capabilities = opts.capabilities ?? ALL_CAPABILITIES;
  return [
    http.get(serverApi.info.pattern, () => {
      const info: ServerInfo = { mode: 'mock', configApi: { url: CONFIG_API_URL }, capabilities };
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
    ...createDataplaneHandlers(opts.dataplane ?? buildDataplaneFixtures(), { explorer: fx, capabilities }),
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
