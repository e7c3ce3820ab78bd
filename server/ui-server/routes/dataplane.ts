// /api/dataplane: the simulated vRouters over HTTP — introspect-shaped JSON (pageable), vRouter
// CLI text (streamed), packet trace and traffic generator (run in slices, progress as NDJSON).
// A thin adapter: bodies are parsed by the schemas in model/, every rule lives in
// server/dataplane, every CLI format in server/vrouter-cli.

import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  firstIssue,
  PageQuerySchema,
  TraceRequestSchema,
  TrafficRequestSchema,
  type PageQuery,
} from '@model/dataplane/requests.ts';
import type {
  FlowList,
  Inet4UcRouteResp,
  ItfResp,
  NhListResp,
  TraceResult,
  TrafficProgress,
  TrafficResult,
  VRouterList,
  VrfListResp,
} from '@model/dataplane/types.ts';
import { renderDropStats } from '@server/vrouter-cli/dropstats.ts';
import { renderFlowList } from '@server/vrouter-cli/flow.ts';
import { renderMplsDump } from '@server/vrouter-cli/mpls.ts';
import { renderNhGet, renderNhList } from '@server/vrouter-cli/nh.ts';
import { renderRtDump } from '@server/vrouter-cli/rt.ts';
import { renderVifList } from '@server/vrouter-cli/vif.ts';
import { renderVrfStats } from '@server/vrouter-cli/vrfstats.ts';
import type { Dataplane } from '../../dataplane/dataplane.ts';
import { FlowProcessor } from '../../dataplane/flow-processor.ts';
import { flowJson, itfJson, nhJson, routeJson, vrfJson, vrouterSummary } from '../../dataplane/json-views.ts';
import {
  flowTableInfo,
  kdropStats,
  kflowSlots,
  kifRows,
  kmplsRows,
  knhRow,
  krouteRows,
  kvrfStatsRow,
} from '../../dataplane/kstate.ts';
import { generateTraffic, tracePacket, UnknownObject } from '../../dataplane/trace.ts';
import type { Vrf, VRouter } from '../../dataplane/vrouter.ts';
import { proxyError } from '../proxy.ts';

type NodeParams = { Params: { node: string } };
const TEXT = 'text/plain; charset=utf-8';
/** A request's synchronous work between two yields to the event loop. */
const SLICE_MS = 8;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Text from a generator of pieces, streamed in chunks with the event loop free between them. */
function textStream(pieces: Iterable<string>): Readable {
  const it = pieces[Symbol.iterator]();
  return Readable.from(
    (async function* () {
      let chunk = '';
      let sliceStart = performance.now();
      for (let step = it.next(); !step.done; step = it.next()) {
        chunk += step.value;
        if (chunk.length >= 64 * 1024) {
          yield chunk;
          chunk = '';
        }
        if (performance.now() - sliceStart > SLICE_MS) {
          await yieldToLoop();
          sliceStart = performance.now();
        }
      }
      if (chunk) yield chunk;
    })(),
    { objectMode: false },
  );
}

function page<T>(items: readonly T[], q: PageQuery): { items: readonly T[]; next: number | null } {
  if (q.limit === undefined && q.cursor === undefined) return { items, next: null };
  const start = q.cursor ?? 0;
  const end = q.limit === undefined ? items.length : start + q.limit;
  return { items: items.slice(start, end), next: end < items.length ? end : null };
}

const notFound = (reply: FastifyReply, detail: string) => proxyError(reply, 404, 'Not Found', detail);
const badRequest = (reply: FastifyReply, detail: string) => proxyError(reply, 400, 'Bad Request', detail);
const text = (reply: FastifyReply, pieces: Iterable<string>) => reply.type(TEXT).send(textStream(pieces));

/** A VRF by id or by name, or a 400/404. */
function vrfOf(reply: FastifyReply, router: VRouter, value: unknown): Vrf | undefined {
  if (typeof value !== 'string' || value === '') {
    badRequest(reply, 'query parameter "vrf" (a VRF id or name) is required');
    return undefined;
  }
  const vrf = /^\d+$/.test(value) ? router.vrfById[Number(value)] : router.vrfs.get(value);
  if (!vrf) notFound(reply, `no VRF ${value} on ${router.name}`);
  return vrf;
}

function pageOf(reply: FastifyReply, query: unknown): PageQuery | undefined {
  const parsed = PageQuerySchema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  badRequest(reply, firstIssue(parsed.error));
  return undefined;
}

export function dataplaneRoutes(dataplane: Dataplane): FastifyPluginAsync {
  const processor = new FlowProcessor(dataplane);
  const nhCache = new WeakMap<VRouter, { version: number; ids: number[] }>();

  /** The node's vRouter, or a 404 naming the known nodes. */
  const routerOf = (reply: FastifyReply, node: string): VRouter | undefined => {
    const router = dataplane.router(node);
    if (!router)
      notFound(
        reply,
        `no vRouter on node ${node}; computes: ${[...dataplane.routers.keys()].join(', ') || 'none'}`,
      );
    return router;
  };

  /** Next-hop ids in id order, re-sorted only when the table changed. */
  const nhIds = (router: VRouter): number[] => {
    const cached = nhCache.get(router);
    if (cached && cached.version === router.nh.version) return cached.ids;
    const ids = [...router.nh.values()].map((nh) => nh.id).sort((a, b) => a - b);
    nhCache.set(router, { version: router.nh.version, ids });
    return ids;
  };

  return async (app) => {
    app.get('/vrouters', async (): Promise<VRouterList> => {
      const now = dataplane.clock.now();
      return {
        vrouters: [...dataplane.routers.values()]
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((r) => {
            r.flows.expireAll(now);
            return vrouterSummary(r);
          }),
      };
    });

    app.get<NodeParams>('/vrouters/:node/vrfs', async (req, reply): Promise<VrfListResp | FastifyReply> => {
      const router = routerOf(reply, req.params.node);
      return router ? { vrf_list: router.vrfById.map((v) => vrfJson(router, v)) } : reply;
    });

    app.get<NodeParams>('/vrouters/:node/interfaces', async (req, reply): Promise<ItfResp | FastifyReply> => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      const vifs = [...router.vifs.values()]
        .filter((v) => v.type === 'pod')
        .sort((a, b) => a.index - b.index);
      return { itf_list: vifs.map((v) => itfJson(router, v)) };
    });

    app.get<NodeParams>(
      '/vrouters/:node/nexthops',
      async (req, reply): Promise<(NhListResp & { next_cursor: number | null }) | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        const q = router && pageOf(reply, req.query);
        if (!router || !q) return reply;
        const { items, next } = page(nhIds(router), q);
        return { nh_list: items.map((id) => nhJson(router, router.nh.get(id)!)), next_cursor: next };
      },
    );

    app.get<{ Params: { node: string; id: string } }>(
      '/vrouters/:node/nexthops/:id',
      async (req, reply): Promise<NhListResp | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        if (!router) return reply;
        if (!/^\d+$/.test(req.params.id))
          return badRequest(reply, `next-hop id must be a non-negative integer, got "${req.params.id}"`);
        const nh = router.nh.get(Number(req.params.id));
        if (!nh) return notFound(reply, `no next hop ${req.params.id} on ${router.name}`);
        return { nh_list: [nhJson(router, nh)] };
      },
    );

    app.get<NodeParams & { Querystring: { vrf?: string; limit?: string; cursor?: string } }>(
      '/vrouters/:node/routes',
      async (req, reply): Promise<(Inet4UcRouteResp & { next_cursor: number | null }) | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        const vrf = router && vrfOf(reply, router, req.query.vrf);
        const q = vrf && pageOf(reply, { limit: req.query.limit, cursor: req.query.cursor });
        if (!router || !vrf || !q) return reply;
        const { items, next } = page(router.sortedRoutes(vrf), q);
        return { route_list: items.map((r) => routeJson(router, r)), next_cursor: next };
      },
    );

    app.get<NodeParams>(
      '/vrouters/:node/flows',
      async (req, reply): Promise<(FlowList & { next_cursor: number | null }) | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        const q = router && pageOf(reply, req.query);
        if (!router || !q) return reply;
        router.flows.expireAll(dataplane.clock.now());
        const limit = q.limit ?? Infinity;
        const list = [];
        let i = router.flows.nextActive(q.cursor ?? 0);
        for (; i >= 0 && list.length < limit; i = router.flows.nextActive(i + 1))
          list.push(flowJson(router, i));
        return {
          flow_list: list,
          flow_handle: '0',
          counters: { ...router.flows.counters },
          next_cursor: i >= 0 ? i : null,
        };
      },
    );

    // ---- CLI text ---------------------------------------------------------------------------------

    app.get<NodeParams & { Querystring: { vrf?: string } }>('/vrouters/:node/cli/rt', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      const vrf = router && vrfOf(reply, router, req.query.vrf);
      if (!router || !vrf) return reply;
      return text(reply, renderRtDump(vrf.id, krouteRows(router, vrf.id)));
    });

    app.get<NodeParams & { Querystring: { id?: string } }>('/vrouters/:node/cli/nh', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      const row = (id: number) => {
        const nh = router.nh.get(id);
        return nh ? knhRow(router, nh) : undefined;
      };
      if (req.query.id === undefined)
        return text(
          reply,
          renderNhList(
            (function* () {
              for (const id of nhIds(router)) yield row(id)!;
            })(),
          ),
        );
      if (!/^\d+$/.test(req.query.id))
        return badRequest(reply, `next-hop id must be a non-negative integer, got "${req.query.id}"`);
      const first = row(Number(req.query.id));
      if (!first) return notFound(reply, `no next hop ${req.query.id} on ${router.name}`);
      return text(reply, renderNhGet(first, row));
    });

    app.get<NodeParams>('/vrouters/:node/cli/flow', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      router.flows.expireAll(dataplane.clock.now());
      return text(reply, renderFlowList(flowTableInfo(router), kflowSlots(router)));
    });

    app.get<NodeParams>('/vrouters/:node/cli/mpls', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      return router ? text(reply, renderMplsDump(kmplsRows(router))) : reply;
    });

    app.get<NodeParams>('/vrouters/:node/cli/vif', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      return router ? text(reply, renderVifList(kifRows(router))) : reply;
    });

    app.get<NodeParams & { Querystring: { vrf?: string } }>(
      '/vrouters/:node/cli/vrfstats',
      async (req, reply) => {
        const router = routerOf(reply, req.params.node);
        if (!router) return reply;
        // `vrfstats --get <vrf>` with ?vrf=, else `vrfstats --dump`.
        if (req.query.vrf !== undefined) {
          const vrf = vrfOf(reply, router, req.query.vrf);
          return vrf ? text(reply, renderVrfStats([kvrfStatsRow(router, vrf.id)!])) : reply;
        }
        return text(reply, renderVrfStats(router.vrfById.map((v) => kvrfStatsRow(router, v.id)!)));
      },
    );

    app.get<NodeParams>('/vrouters/:node/cli/dropstats', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      return router ? reply.type(TEXT).send(renderDropStats(kdropStats(router))) : reply;
    });

    // ---- trace and traffic --------------------------------------------------------------------------

    app.post('/trace', async (req, reply): Promise<TraceResult | FastifyReply> => {
      const parsed = TraceRequestSchema.safeParse(req.body ?? null);
      if (!parsed.success) return badRequest(reply, firstIssue(parsed.error));
      try {
        return tracePacket(dataplane, processor, parsed.data);
      } catch (err) {
        if (err instanceof UnknownObject) return notFound(reply, err.message);
        throw err;
      }
    });

    /**
     * Runs in slices of at most SLICE_MS so no other request waits behind it. With
     * `Accept: application/x-ndjson` the answer streams `{"progress":{done,total}}` lines and
     * ends with `{"result":…}`; otherwise it is the result alone.
     */
    app.post('/traffic', async (req, reply): Promise<TrafficResult | FastifyReply> => {
      const parsed = TrafficRequestSchema.safeParse(req.body ?? null);
      if (!parsed.success) return badRequest(reply, firstIssue(parsed.error));
      let sliceStart = performance.now();
      const run = generateTraffic(dataplane, processor, parsed.data, {
        timeUp: () => performance.now() - sliceStart > SLICE_MS,
      });
      let first: IteratorResult<TrafficProgress, TrafficResult>;
      try {
        // The first slice resolves the pods, so an unknown one is a 404 before anything streams.
        first = run.next();
      } catch (err) {
        if (err instanceof UnknownObject) return notFound(reply, err.message);
        throw err;
      }
      type Item = { progress: TrafficProgress } | { result: TrafficResult };
      // Every slice ends when its time is up: the event loop runs between any two.
      const drive = async function* (): AsyncGenerator<Item> {
        let step = first;
        while (!step.done) {
          yield { progress: step.value };
          await yieldToLoop();
          sliceStart = performance.now();
          step = run.next();
        }
        yield { result: step.value };
      };
      if (String(req.headers.accept ?? '').includes('application/x-ndjson')) {
        const lines = Readable.from(
          (async function* () {
            let lastProgress = 0;
            for await (const item of drive()) {
              if ('progress' in item) {
                // At most one progress line per percent.
                if (item.progress.done - lastProgress < item.progress.total / 100) continue;
                lastProgress = item.progress.done;
              }
              yield `${JSON.stringify(item)}\n`;
            }
          })(),
        );
        return reply.type('application/x-ndjson; charset=utf-8').send(lines);
      }
      for await (const item of drive()) if ('result' in item) return item.result;
      throw new Error('traffic run ended without a result');
    });
  };
}
