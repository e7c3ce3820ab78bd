// /api/dataplane: the simulated vRouters over HTTP — introspect-shaped JSON, vRouter CLI text,
// packet trace and traffic generator. A thin adapter: every rule lives in server/dataplane.

import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type {
  FlowList,
  Inet4UcRouteResp,
  ItfResp,
  NhListResp,
  TcpFlag,
  TraceResult,
  TrafficResult,
  VRouterList,
  VrfListResp,
} from '@model/dataplane/types.ts';
import { renderFlowList, renderNhGet, renderNhList, renderRtDump } from '../../dataplane/cli.ts';
import type { Dataplane } from '../../dataplane/dataplane.ts';
import { FlowProcessor } from '../../dataplane/flow-processor.ts';
import { inet4UcRouteResp, itfResp, kFlowResp, nhListResp, vrfListResp } from '../../dataplane/introspect.ts';
import { generateTraffic, InvalidRequest, tracePacket, UnknownObject } from '../../dataplane/trace.ts';
import type { VRouter } from '../../dataplane/vrouter.ts';
import { proxyError } from '../proxy.ts';

type NodeParams = { Params: { node: string } };
const TEXT = 'text/plain; charset=utf-8';
const TCP_FLAGS: readonly string[] = ['SYN', 'ACK', 'FIN', 'RST'];

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof UnknownObject) return proxyError(reply, 404, 'Not Found', err.message);
  if (err instanceof InvalidRequest) return proxyError(reply, 400, 'Bad Request', err.message);
  throw err;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A VRF by id or by name, or a 400/404. */
function vrfOf(reply: FastifyReply, router: VRouter, value: unknown) {
  if (typeof value !== 'string' || value === '') {
    proxyError(reply, 400, 'Bad Request', 'query parameter "vrf" (a VRF id or name) is required');
    return undefined;
  }
  const vrf = /^\d+$/.test(value) ? router.vrfById[Number(value)] : router.vrfs.get(value);
  if (!vrf) proxyError(reply, 404, 'Not Found', `no VRF ${value} on ${router.name}`);
  return vrf;
}

function nhIdOf(reply: FastifyReply, value: string): number | undefined {
  if (!/^\d+$/.test(value)) {
    proxyError(reply, 400, 'Bad Request', `next-hop id must be a non-negative integer, got "${value}"`);
    return undefined;
  }
  return Number(value);
}

export function dataplaneRoutes(dataplane: Dataplane): FastifyPluginAsync {
  const processor = new FlowProcessor(dataplane);

  /** The node's vRouter, or a 404 naming the known nodes. */
  const routerOf = (reply: FastifyReply, node: string): VRouter | undefined => {
    const router = dataplane.router(node);
    if (!router)
      proxyError(
        reply,
        404,
        'Not Found',
        `no vRouter on node ${node}; computes: ${[...dataplane.routers.keys()].join(', ') || 'none'}`,
      );
    return router;
  };

  return async (app) => {
    app.get('/vrouters', async (): Promise<VRouterList> => ({
      vrouters: [...dataplane.routers.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((r) => {
          r.flows.expire(dataplane.clock.now());
          return {
            name: r.name,
            ip: r.ipText,
            vrfs: r.vrfById.length,
            interfaces: r.vifs.size,
            nexthops: r.nexthops.size,
            flows: r.flows.size,
            flowCapacity: { entries: r.flows.entries, overflowEntries: r.flows.overflowEntries },
            flowCounters: { ...r.flows.counters },
          };
        }),
    }));

    app.get<NodeParams>('/vrouters/:node/vrfs', async (req, reply): Promise<VrfListResp | FastifyReply> => {
      const router = routerOf(reply, req.params.node);
      return router ? vrfListResp(router) : reply;
    });

    app.get<NodeParams>('/vrouters/:node/interfaces', async (req, reply): Promise<ItfResp | FastifyReply> => {
      const router = routerOf(reply, req.params.node);
      return router ? itfResp(router) : reply;
    });

    app.get<NodeParams>(
      '/vrouters/:node/nexthops',
      async (req, reply): Promise<NhListResp | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        return router ? nhListResp(router) : reply;
      },
    );

    app.get<{ Params: { node: string; id: string } }>(
      '/vrouters/:node/nexthops/:id',
      async (req, reply): Promise<NhListResp | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        if (!router) return reply;
        const id = nhIdOf(reply, req.params.id);
        if (id === undefined) return reply;
        if (!router.nexthops.has(id))
          return proxyError(reply, 404, 'Not Found', `no next hop ${id} on ${router.name}`);
        return nhListResp(router, id);
      },
    );

    app.get<NodeParams & { Querystring: { vrf?: string } }>(
      '/vrouters/:node/routes',
      async (req, reply): Promise<Inet4UcRouteResp | FastifyReply> => {
        const router = routerOf(reply, req.params.node);
        const vrf = router && vrfOf(reply, router, req.query.vrf);
        return router && vrf ? inet4UcRouteResp(router, vrf) : reply;
      },
    );

    app.get<NodeParams>('/vrouters/:node/flows', async (req, reply): Promise<FlowList | FastifyReply> => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      router.flows.expire(dataplane.clock.now());
      return { ...kFlowResp(router), counters: { ...router.flows.counters } };
    });

    app.get<NodeParams & { Querystring: { vrf?: string } }>('/vrouters/:node/cli/rt', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      const vrf = router && vrfOf(reply, router, req.query.vrf);
      if (!router || !vrf) return reply;
      return reply.type(TEXT).send(renderRtDump(router, vrf.id));
    });

    app.get<NodeParams & { Querystring: { id?: string } }>('/vrouters/:node/cli/nh', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      if (req.query.id === undefined) return reply.type(TEXT).send(renderNhList(router));
      const id = nhIdOf(reply, req.query.id);
      if (id === undefined) return reply;
      const text = renderNhGet(router, id);
      if (text === undefined)
        return proxyError(reply, 404, 'Not Found', `no next hop ${id} on ${router.name}`);
      return reply.type(TEXT).send(text);
    });

    app.get<NodeParams>('/vrouters/:node/cli/flow', async (req, reply) => {
      const router = routerOf(reply, req.params.node);
      if (!router) return reply;
      router.flows.expire(dataplane.clock.now());
      return reply.type(TEXT).send(renderFlowList(router));
    });

    app.post('/trace', async (req, reply): Promise<TraceResult | FastifyReply> => {
      const body = req.body;
      if (!isRecord(body)) return proxyError(reply, 400, 'Bad Request', 'body must be a JSON object');
      if (body.tcpFlag !== undefined && !TCP_FLAGS.includes(String(body.tcpFlag)))
        return proxyError(reply, 400, 'Bad Request', `"tcpFlag" must be one of ${TCP_FLAGS.join(', ')}`);
      try {
        return tracePacket(dataplane, processor, {
          from: body.from as string,
          to: body.to as string,
          protocol: body.protocol as string,
          port: body.port as number,
          sourcePort: body.sourcePort as number | undefined,
          tcpFlag: body.tcpFlag as TcpFlag | undefined,
        });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.post('/traffic', async (req, reply): Promise<TrafficResult | FastifyReply> => {
      const body = req.body;
      if (!isRecord(body)) return proxyError(reply, 400, 'Bad Request', 'body must be a JSON object');
      const from = body.from;
      if (!(typeof from === 'string' || (Array.isArray(from) && from.every((f) => typeof f === 'string'))))
        return proxyError(reply, 400, 'Bad Request', '"from" must be "<namespace>/<pod>" or a list of them');
      try {
        return generateTraffic(dataplane, processor, {
          from,
          to: body.to as string,
          protocol: body.protocol as string,
          port: body.port as number,
          flows: body.flows as number,
          ...(body.firstSourcePort !== undefined ? { firstSourcePort: body.firstSourcePort as number } : {}),
        });
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
}
