// /api/dataplane: every compute's dataplane as its agent's introspect tells it (a real cluster's or
// the simulation's, one code path) — the computes and whether they answer, server pages of routes,
// next hops, interfaces and flows with names beside addresses, the vRouter utilities' text, a
// VIP's topology across computes, and the trace (predicted from introspect, or simulated, and
// observed in the flow tables). Sending packets needs the embedded simulation (PacketSimulator);
// without it those routes answer 501. A thin adapter: parse, call, throw.

import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
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
  traceViewRequestSchema,
  vrfstatsCliQuerySchema,
  type ComputeList,
  type TraceView,
  type VipTopology,
} from '@model/api/dataplane-views.ts';
import {
  nexthopParamsSchema,
  nodeParamsSchema,
  trafficRequestSchema,
} from '@model/api/dataplane-requests.ts';
import { API_PREFIX, dataplaneApi } from '@model/api/paths.ts';
import type { TrafficProgress, TrafficResult } from '@model/dataplane/types.ts';
import { HttpError } from '../errors.ts';
import type { DataplaneCli, CliText } from '../dataplane-views/cli.ts';
import type { DataplaneReader } from '../dataplane-views/reader.ts';
import type { DataplaneTables } from '../dataplane-views/tables.ts';
import type { TopologyBuilder } from '../dataplane-views/topology.ts';
import { traceView, type TracePredictor } from '../dataplane-views/trace.ts';
import { parseRequest } from '../parse-request.ts';
import type { PacketSimulator } from '../ports.ts';

const TEXT = 'text/plain; charset=utf-8';
/** A request's synchronous work between two yields to the event loop. */
const SLICE_MS = 8;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const at = (route: { under(prefix: string): string }) => route.under(API_PREFIX.dataplane);

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

function text(reply: FastifyReply, out: CliText): FastifyReply {
  if (out.next !== null) reply.header(CLI_NEXT_CURSOR_HEADER, String(out.next));
  return reply.type(TEXT).send(textStream(out.pieces));
}

/** A table request is a page request when it names any page parameter (else the whole table, as before). */
const pageParams = (query: unknown, besides: readonly string[] = []) =>
  Object.keys((query ?? {}) as object).some((k) => !besides.includes(k));

export const NO_SIMULATION =
  "sending packets needs the embedded simulation; a real cluster's dataplane is only read, through its agents' introspect";

export interface DataplaneRouteOptions {
  reader: DataplaneReader;
  tables: DataplaneTables;
  cli: DataplaneCli;
  predictor: TracePredictor;
  topology: TopologyBuilder;
  /** The embedded simulation's packet path; absent against a real cluster. */
  packets?: PacketSimulator | undefined;
}

export function dataplaneRoutes(opts: DataplaneRouteOptions): FastifyPluginAsync {
  const { reader, tables, cli, predictor, packets } = opts;
  const compute = async (params: unknown) =>
    reader.compute(parseRequest(nodeParamsSchema, params, 'path').node);

  return async (app) => {
    app.get(at(dataplaneApi.vrouters), async (): Promise<ComputeList> => ({
      vrouters: await reader.states(),
    }));

    app.get(at(dataplaneApi.vrfs), async (req) => tables.vrfList(await compute(req.params)));

    app.get(at(dataplaneApi.interfaces), async (req) => {
      const query = parseRequest(interfacePageQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return pageParams(req.query) ? tables.interfacePage(c, query) : tables.interfaceList(c);
    });

    app.get(at(dataplaneApi.nexthops), async (req) => {
      const query = parseRequest(nexthopPageQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return pageParams(req.query) ? tables.nexthopPage(c, query) : tables.nexthopList(c);
    });

    app.get(at(dataplaneApi.nexthop), async (req) => {
      const { node, id } = parseRequest(nexthopParamsSchema, req.params, 'path');
      return tables.nexthop(await reader.compute(node), id);
    });

    app.get(at(dataplaneApi.routes), async (req) => {
      const query = parseRequest(routePageQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return pageParams(req.query, ['vrf']) ? tables.routePage(c, query) : tables.routeList(c, query.vrf);
    });

    app.get(at(dataplaneApi.flows), async (req) => {
      const query = parseRequest(flowPageQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return pageParams(req.query) ? tables.flowPage(c, query) : tables.flowList(c);
    });

    // ---- the vRouter utilities' text ------------------------------------------------------------

    app.get(at(dataplaneApi.cliRt), async (req, reply) => {
      const q = parseRequest(rtCliQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return text(reply, await cli.rt(c, await reader.vrf(c, q.vrf), q));
    });

    app.get(at(dataplaneApi.cliNh), async (req, reply) => {
      const q = parseRequest(nhCliPageQuerySchema, req.query, 'query');
      return text(reply, await cli.nh(await compute(req.params), q.id, q));
    });

    app.get(at(dataplaneApi.cliFlow), async (req, reply) => {
      const q = parseRequest(flowCliQuerySchema, req.query, 'query');
      return text(reply, await cli.flow(await compute(req.params), q));
    });

    app.get(at(dataplaneApi.cliMpls), async (req, reply) =>
      text(reply, await cli.mpls(await compute(req.params))),
    );

    app.get(at(dataplaneApi.cliVif), async (req, reply) =>
      text(reply, await cli.vif(await compute(req.params))),
    );

    app.get(at(dataplaneApi.cliVrfstats), async (req, reply) => {
      const q = parseRequest(vrfstatsCliQuerySchema, req.query, 'query');
      const c = await compute(req.params);
      return text(reply, await cli.vrfstats(c, q.vrf === undefined ? undefined : await reader.vrf(c, q.vrf)));
    });

    app.get(at(dataplaneApi.cliDropstats), async (req, reply) =>
      text(reply, await cli.dropstats(await compute(req.params))),
    );

    // ---- a VIP across the cluster, and the trace ------------------------------------------------

    app.get(at(dataplaneApi.topology), async (req): Promise<VipTopology> =>
      opts.topology.topology(parseRequest(topologyQuerySchema, req.query, 'query')),
    );

    app.post(at(dataplaneApi.trace), async (req): Promise<TraceView> => {
      const { mode: asked, ...request } = parseRequest(traceViewRequestSchema, req.body ?? null, 'body');
      const mode = asked ?? (packets ? 'simulated' : 'predicted');
      if (mode === 'simulated' && !packets)
        throw new HttpError(501, `trace mode "simulated": ${NO_SIMULATION}`);
      const result = mode === 'simulated' ? packets!.trace(request) : await predictor.predict(request);
      // The simulated packet made flows: what the agents said before is stale.
      if (mode === 'simulated') reader.cache.invalidate();
      // What the flow tables say about the same 5-tuple (the simulated packet just made its flows;
      // without a source port both use the same default, model/dataplane/trace-source-port.ts).
      const observed = await predictor.observe(request).catch(() => null);
      return traceView(result, mode, observed);
    });

    /**
     * Runs in the simulation's slices so no other request waits behind it. With
     * `Accept: application/x-ndjson` the answer streams `{"progress":{done,total}}` lines and
     * ends with `{"result":…}`; otherwise it is the result alone.
     */
    app.post(at(dataplaneApi.traffic), async (req, reply): Promise<TrafficResult | FastifyReply> => {
      const body = parseRequest(trafficRequestSchema, req.body ?? null, 'body');
      if (!packets) throw new HttpError(501, `POST ${dataplaneApi.traffic.pattern}: ${NO_SIMULATION}`);
      // Flows change while it runs and after: drop what the agents said before, at both ends.
      reader.cache.invalidate();
      const run = (onProgress?: (p: TrafficProgress) => void) =>
        packets.traffic(body, onProgress).finally(() => reader.cache.invalidate());
      if (!String(req.headers.accept ?? '').includes('application/x-ndjson')) return run();
      // Lines as they come; the first one (or a failure before it) decides the status.
      const queue: string[] = [];
      let done = false;
      let failure: unknown = null;
      let notify = (): void => void queue;
      const changed = () => new Promise<void>((resolve) => (notify = resolve));
      let next = changed();
      let lastProgress = 0;
      void run((p: TrafficProgress) => {
        // At most one progress line per percent.
        if (p.done - lastProgress < p.total / 100) return;
        lastProgress = p.done;
        queue.push(`${JSON.stringify({ progress: p })}\n`);
        notify();
      })
        .then(
          (result) => queue.push(`${JSON.stringify({ result })}\n`),
          (err: unknown) => (failure = err),
        )
        .finally(() => {
          done = true;
          notify();
        });
      await next;
      if (failure !== null && queue.length === 0) throw failure;
      const stream = Readable.from(
        (async function* () {
          for (;;) {
            while (queue.length > 0) yield queue.shift()!;
            if (done) {
              if (failure !== null) throw failure;
              return;
            }
            next = changed();
            await next;
          }
        })(),
      );
      return reply.type('application/x-ndjson; charset=utf-8').send(stream);
    });
  };
}
