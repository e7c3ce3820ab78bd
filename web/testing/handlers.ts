// msw handlers that answer the UI server's API (/api/info, /api/config/*, /api/explorer/*) from
// fixture objects: the same handlers serve component tests and `npm run dev:mock`.

import { http, HttpResponse, type RequestHandler } from 'msw';
import { stringifyExact } from '@web/api/exact-json.ts';
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
    http.get('/api/info', () => json({ mode: 'mock', configApi: { url: CONFIG_API_URL } })),

    http.get('/api/explorer/loadbalancers', ({ request }) => {
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
    http.get('/api/explorer/loadbalancers/:uuid/listeners', ({ params }) =>
      json({ listeners: fx.listenersByLb.get(String(params.uuid)) ?? [] }),
    ),
    http.get('/api/explorer/listeners/:uuid/pools', ({ params }) =>
      json({ pools: fx.poolsByListener.get(String(params.uuid)) ?? [] }),
    ),
    http.get('/api/explorer/pools/:uuid/members', ({ params }) =>
      json({ members: fx.membersByPool.get(String(params.uuid)) ?? [] }),
    ),

    http.get('/api/config/', () =>
      json({
        href: CONFIG_API_URL,
        links: COLLECTION_TYPES.flatMap((t) => [
          { link: { rel: 'collection', href: `${CONFIG_API_URL}/${t}s`, name: t, method: null } },
          { link: { rel: 'resource-base', href: `${CONFIG_API_URL}/${t}`, name: t, method: null } },
        ]),
      }),
    ),
    http.post('/api/config/fqname-to-id', async ({ request }) => {
      const body = (await request.json()) as { type: string; fq_name: string[] };
      const key = body.fq_name.join(':');
      for (const { type, object } of fx.objects.values())
        if (type === body.type.replace(/_/g, '-') && (object.fq_name as string[]).join(':') === key)
          return json({ uuid: object.uuid });
      return text(`Name ${JSON.stringify(body.fq_name).replace(/"/g, "'")} not found`, 404);
    }),
    http.post('/api/config/id-to-fqname', async ({ request }) => {
      const body = (await request.json()) as { uuid: string };
      const found = fx.objects.get(body.uuid);
      return found
        ? json({ fq_name: found.object.fq_name, type: found.type })
        : text(`UUID ${body.uuid} not found`, 404);
    }),
    http.get('/api/config/:type/:uuid', ({ params }) => {
      const found = fx.objects.get(String(params.uuid));
      if (!found) return text(`Unknown id: ${String(params.uuid)}`, 404);
      if (found.type !== params.type)
        return text(`No ${String(params.type)} object found for id ${String(params.uuid)}`, 404);
      return json({ [found.type]: found.object });
    }),
    http.get('/api/config/:collection', ({ params }) => {
      const type = String(params.collection).replace(/s$/, '');
      const entries = [...fx.objects.values()]
        .filter((o) => o.type === type)
        .map(({ object }) => ({ href: object.href, fq_name: object.fq_name, uuid: object.uuid }));
      return json({ [`${type}s`]: entries });
    }),
  ];
}

/** The proxy's answer when the config API is down, for error-state tests. */
export function upstreamDownHandlers(): RequestHandler[] {
  const body = {
    error: 'Bad Gateway',
    detail: 'config API http://127.0.0.1:8082 is unreachable: ECONNREFUSED',
    status: 502,
  };
  return [
    http.get('/api/explorer/*', () => json(body, 502)),
    http.get('/api/config/*', () => json(body, 502)),
  ];
}
