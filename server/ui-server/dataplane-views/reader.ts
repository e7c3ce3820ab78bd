// The UI server's one way to the dataplane: every compute's agent introspect, through the
// introspect client, each table read once per short-lived snapshot and shared by the requests
// within it. A compute that does not answer is reported unreachable (with the reason and when it
// last answered) and the others keep working. Failures become the UI server's UpstreamErrors here.

import type { ComputeState } from '@model/api/dataplane-views.ts';
import {
  ItfReq,
  NhListReq,
  VrfListReq,
  type ItfSandeshData,
  type MplsSandeshData,
  type NhSandeshData,
  type RouteUcSandeshData,
  type VrfSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import type {
  KDropStatsResp,
  KFlowInfo,
  KInterfaceInfo,
  KMplsInfo,
  KNHInfo,
  KRouteInfo,
  KVrfStatsInfo,
} from '@model/dataplane/sandesh/kstate.ts';
import { AgentIntrospect, AgentRefused } from '@server/introspect-client/agent.ts';
import { IntrospectError, type IntrospectClient } from '@server/introspect-client/client.ts';
import { NotFound } from '../../errors.ts';
import { UpstreamError } from '../errors.ts';
import type { Compute, ComputeDirectory } from './computes.ts';
import { Slicer, yieldToLoop } from '../../slices.ts';
import { needsReverse } from './records.ts';
import type { Snapshot, SnapshotCache } from './snapshots.ts';

/** A compute's introspect failure as the UI server answers it: 504 late, 502 otherwise. */
export function upstreamOf(compute: Compute, err: unknown): unknown {
  if (err instanceof IntrospectError)
    return new UpstreamError(
      err.reason === 'timeout' ? 504 : 502,
      `compute ${compute.name} (${compute.url}): ${err.message}`,
      err.reason === 'not-allowed' ? 'unreachable' : err.reason,
    );
  if (err instanceof AgentRefused)
    return new UpstreamError(502, `compute ${compute.name}: ${err.message}`, 'status');
  return err;
}

/**
 * Whether a flow scan keeps a flow, given its reverse (`null`: not active; `undefined`: not read):
 * undefined when only the reverse can tell.
 */
export type FlowKeep = (flow: KFlowInfo, reverse: KFlowInfo | null | undefined) => boolean | undefined;

/** Why a compute's read failed, for `error` in the views. */
export function failureText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Health {
  error: string | null;
  asOf: number | null;
}

export class DataplaneReader {
  private readonly health = new Map<string, Health>();

  constructor(
    readonly directory: ComputeDirectory,
    private readonly client: IntrospectClient,
    readonly cache: SnapshotCache,
  ) {}

  computes(): Promise<Compute[]> {
    return this.directory.list();
  }

  compute(name: string): Promise<Compute> {
    return this.directory.get(name);
  }

  /** Runs `read` against the compute's agent; remembers whether it answered. */
  async read<T>(compute: Compute, read: (agent: AgentIntrospect) => Promise<T>): Promise<T> {
    try {
      const value = await read(new AgentIntrospect(this.client, compute.url, compute.name));
      this.health.set(compute.name, { error: null, asOf: Date.now() });
      return value;
    } catch (err) {
      if (err instanceof IntrospectError) {
        const before = this.health.get(compute.name);
        this.health.set(compute.name, { error: err.message, asOf: before?.asOf ?? null });
      }
      throw upstreamOf(compute, err);
    }
  }

  /** A table of one compute, from its snapshot when one is fresh. */
  private table<T>(
    compute: Compute,
    what: string,
    read: (agent: AgentIntrospect) => Promise<T>,
  ): Promise<Snapshot<T>> {
    return this.cache.get(`${compute.url}|${what}`, () => this.read(compute, read));
  }

  vrfs(c: Compute): Promise<Snapshot<VrfSandeshData[]>> {
    return this.table(c, 'vrfs', async (a) => (await a.vrfs()).items);
  }

  /** A VRF by index (digits) or routing-instance name, or NotFound. */
  async vrf(c: Compute, which: string): Promise<VrfSandeshData> {
    const vrfs = (await this.vrfs(c)).value;
    const found = /^\d+$/.test(which)
      ? vrfs.find((v) => v.ucindex === Number(which))
      : vrfs.find((v) => v.name === which);
    if (!found) throw new NotFound(`no VRF ${which} on ${c.name}`);
    return found;
  }

  routes(c: Compute, vrfIndex: number): Promise<Snapshot<RouteUcSandeshData[]>> {
    return this.table(c, `routes:${vrfIndex}`, async (a) => (await a.routes(vrfIndex)).items);
  }

  /** The routes of every VRF of the compute (next-hop names and hash fields need them all). */
  async allRoutes(c: Compute): Promise<RouteUcSandeshData[]> {
    const vrfs = (await this.vrfs(c)).value;
    const tables = await Promise.all(vrfs.map((v) => this.routes(c, v.ucindex)));
    return tables.flatMap((t) => t.value);
  }

  nexthops(c: Compute): Promise<Snapshot<NhSandeshData[]>> {
    return this.table(c, 'nexthops', async (a) => (await a.nexthops()).items);
  }

  interfaces(c: Compute): Promise<Snapshot<ItfSandeshData[]>> {
    return this.table(c, 'interfaces', async (a) => (await a.interfaces()).items);
  }

  mpls(c: Compute): Promise<Snapshot<MplsSandeshData[]>> {
    return this.table(c, 'mpls', async (a) => (await a.mpls()).items);
  }

  /** The kernel flow table, page by page (the loop is free between pages). */
  flows(c: Compute): Promise<Snapshot<KFlowInfo[]>> {
    return this.table(c, 'flows', async (a) => {
      const slicer = new Slicer();
      return a.kflows(async (page) => {
        if (slicer.due(page.length)) await yieldToLoop();
      });
    });
  }

  /** The whole flow table's snapshot when one is fresh; never starts the read. */
  flowsIfRead(c: Compute): Promise<Snapshot<KFlowInfo[]> | undefined> {
    return this.cache.peek(`${c.url}|flows`);
  }

  /**
   * The first `count` active flows from index `from` in the agent's order that `keep` keeps (every
   * one when absent), and whether more follow: only the introspect pages up to the `count + 1`-th
   * kept flow (KFlowReq / NextKFlowReq from `from`), never the whole table unless the matches are
   * that sparse; plus the reverse of each kept DNAT flow whose reverse was not read beside it
   * (KFlowReq `flow_idx`) — for kept flows only. Not kept: each start is its own read.
   *
   * `keep` gets a flow and its reverse when the reverse is on the same page, `null` when it is
   * known to be inactive, `undefined` when it was not read; it answers undefined when only the
   * reverse decides (a DNAT flow's DPAT flag), and is asked again with the reverse fetched.
   * `scanned`: the flows it read (the whole table when it started at 0 and `more` is false).
   */
  async flowsFrom(
    c: Compute,
    from: number,
    count: number,
    keep?: FlowKeep,
  ): Promise<{
    flows: KFlowInfo[];
    more: boolean;
    scanned: number;
    reverses: Map<number, KFlowInfo>;
    asOf: number;
  }> {
    const asOf = Date.now();
    return this.read(c, async (a) => {
      const kept: KFlowInfo[] = [];
      const reverses = new Map<number, KFlowInfo>();
      /** Reverse flows of kept DNAT flows, not read yet. */
      const wanted = new Set<number>();
      const slicer = new Slicer();
      let scanned = 0;
      const { ended } = await a.scanKflows(from, async (page) => {
        const onPage = new Map<number, KFlowInfo>();
        for (const f of page) onPage.set(f.index, f);
        const reverseOf = (f: KFlowInfo) =>
          needsReverse(f) ? (onPage.get(f.rflow) ?? reverses.get(f.rflow)) : undefined;
        const verdicts = page.map((f) => (keep ? keep(f, reverseOf(f)) : true));
        // Rare: the filter's words name the DPAT flag, which only the reverse flow tells. One
        // lookup per undecided flow of the page, asked together (the client queues them).
        const undecided = page.filter((_, i) => verdicts[i] === undefined);
        const fetched = await Promise.all(undecided.map((f) => a.kflow(f.rflow)));
        const decided = new Map(undecided.map((f, i) => [f, keep!(f, fetched[i]) === true]));
        for (const r of fetched) if (r) reverses.set(r.index, r);
        for (const [i, f] of page.entries()) {
          scanned++;
          if (wanted.delete(f.index)) reverses.set(f.index, f);
          if (kept.length > count) continue;
          if (!(verdicts[i] ?? decided.get(f))) continue;
          const reverse = reverseOf(f);
          kept.push(f);
          reverses.set(f.index, f);
          if (needsReverse(f)) {
            if (reverse) reverses.set(reverse.index, reverse);
            else if (!reverses.has(f.rflow)) wanted.add(f.rflow);
          }
        }
        if (slicer.due(page.length)) await yieldToLoop();
        return kept.length <= count;
      });
      // The client queues them (a few per compute at a time).
      const flows = kept.slice(0, count);
      const missing = [
        ...new Set(flows.filter((f) => needsReverse(f) && !reverses.has(f.rflow)).map((f) => f.rflow)),
      ];
      for (const r of await Promise.all(missing.map((i) => a.kflow(i)))) if (r) reverses.set(r.index, r);
      return {
        flows,
        more: kept.length > count || !ended,
        scanned,
        reverses,
        asOf,
      };
    });
  }

  // ---- the kernel's tables (K* requests), for the vRouter utilities' text ----------------------------

  kroutes(c: Compute, vrfId: number): Promise<Snapshot<KRouteInfo[] | null>> {
    return this.table(c, `kroutes:${vrfId}`, (a) => a.kroutes(vrfId));
  }

  /** One kernel next hop (KNHReq with its id), or null when the kernel has none by that id. */
  knh(c: Compute, id: number): Promise<Snapshot<KNHInfo | null>> {
    return this.table(c, `knh:${id}`, (a) => a.knh(id));
  }

  knhs(c: Compute): Promise<Snapshot<KNHInfo[]>> {
    return this.table(c, 'knhs', async (a) => (await a.knhs()).sort((x, y) => x.id - y.id));
  }

  kinterfaces(c: Compute): Promise<Snapshot<KInterfaceInfo[]>> {
    return this.table(c, 'kinterfaces', (a) => a.kinterfaces());
  }

  kmpls(c: Compute): Promise<Snapshot<KMplsInfo[]>> {
    return this.table(c, 'kmpls', (a) => a.kmpls());
  }

  kvrfStats(c: Compute, vrfIndex = -1): Promise<Snapshot<KVrfStatsInfo[] | null>> {
    return this.table(c, `kvrfstats:${vrfIndex}`, (a) => a.kvrfStats(vrfIndex));
  }

  kdropStats(c: Compute): Promise<Snapshot<KDropStatsResp>> {
    return this.table(c, 'kdropstats', (a) => a.kdropStats());
  }

  /**
   * Every compute, read concurrently: reachable or not (and why), when it last answered, and the
   * sizes of its VRF, interface and next-hop tables (each from a request whose filter matches
   * nothing, so the agent sends only its `Pagination` block: `table_size` counts the whole table).
   */
  async states(): Promise<ComputeState[]> {
    const computes = await this.computes();
    return Promise.all(
      computes.map(async (c): Promise<ComputeState> => {
        try {
          const summary = await this.cache.get(`${c.url}|summary`, () =>
            this.read(c, async (a) => {
              const [vrfs, interfaces, nexthops] = await Promise.all([
                a.table<unknown>(VRF_SIZE.def, VRF_SIZE.list, VRF_SIZE.params),
                a.table<unknown>(ITF_SIZE.def, ITF_SIZE.list, ITF_SIZE.params),
                a.table<unknown>(NH_SIZE.def, NH_SIZE.list, NH_SIZE.params),
              ]);
              return { vrfs: vrfs.tableSize, interfaces: interfaces.tableSize, nexthops: nexthops.tableSize };
            }),
          );
          return {
            name: c.name,
            ip: c.ip,
            introspect: c.url,
            reachable: true,
            error: null,
            asOf: new Date(summary.asOf).toISOString(),
            summary: summary.value,
          };
        } catch (err) {
          const health = this.health.get(c.name);
          return {
            name: c.name,
            ip: c.ip,
            introspect: c.url,
            reachable: false,
            error: health?.error ?? failureText(err),
            asOf: health?.asOf ? new Date(health.asOf).toISOString() : null,
            summary: null,
          };
        }
      }),
    );
  }
}

// Filters no entry passes: `#` is in no VRF or interface name, and no next hop has the largest id.
const VRF_SIZE = { def: VrfListReq, list: 'vrf_list', params: { name: '#' } };
const ITF_SIZE = { def: ItfReq, list: 'itf_list', params: { name: '#' } };
const NH_SIZE = { def: NhListReq, list: 'nh_list', params: { nh_index: 4294967295 } };
