// The Dataplane screen's tables of one compute, from its introspect snapshots and the config API's
// names: routes, next hops, interfaces and flows as server pages (filters, sorts, keyset cursors,
// names beside addresses), and the whole-table answers the SPA read before pages (kept until it
// reads pages). Assembly only: the reads are reader.ts's, the paging pages.ts's.

import type {
  EntityNames,
  FlowPage,
  FlowPageQuery,
  InterfacePage,
  InterfacePageQuery,
  NexthopPage,
  NexthopPageQuery,
  RoutePage,
  RoutePageQuery,
} from '@model/api/dataplane-views.ts';
import { DEFAULT_PAGE_LIMIT } from '@model/api/dataplane-views.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import {
  Inet4UcRouteReq,
  type ItfSandeshData,
  type NhSandeshData,
  type RouteUcSandeshData,
  type VrfSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import type { KFlowInfo } from '@model/dataplane/sandesh/kstate.ts';
import type { FlowList, ItfResp, NhListResp, VrfListResp } from '@model/dataplane/types.ts';
import type { FlowRow } from '@model/dataplane/vrouter-cli-input.ts';
import { cidrContains, tryParseCidr, tryParseIpv4 } from '@model/net/ipv4.ts';
import { flowActionText } from '@server/vrouter-cli/flow.ts';
import { InvalidRequest, NotFound } from '../../errors.ts';
import type { Compute } from './computes.ts';
import { namesOfAddress, type ConfigNames, type NameIndex } from './names.ts';
import { Slicer, yieldToLoop } from '../../slices.ts';
import { decodeCursor, encodeCursor, pageOf, type SortKey } from './pages.ts';
import { hostRoute, interfaceIndex, type InterfaceIndex } from './vip-route.ts';
import type { DataplaneReader, FlowKeep } from './reader.ts';
import type { Snapshot } from './snapshots.ts';
import { itfJson, vrfJson } from '@model/dataplane/introspect-json.ts';
import {
  flowJson,
  flowRow,
  flowRowWith,
  needsReverse,
  nhContext,
  nhJson,
  routeJson,
  type NhContext,
} from './records.ts';

const ipNumber = (text: string) => tryParseIpv4(text) ?? 0;
const iso = (ms: number) => new Date(ms).toISOString();

/** Every word of `q` (case-insensitive) must appear in the row's text. */
function wordsOf(q: string | undefined): string[] {
  return (q ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
}

const textOf = (names: EntityNames) => Object.values(names).join(' ');

const isComposite = (nh: NhSandeshData) => nh.type.startsWith('ECMP Composite');

/** The next hop's NH type filter word as NhListReq spells types. */
function nhTypeWord(nh: NhSandeshData): string {
  return isComposite(nh) ? 'composite' : nh.type;
}

export class DataplaneTables {
  constructor(
    private readonly reader: DataplaneReader,
    private readonly names: ConfigNames,
  ) {}

  /**
   * Per compute, where each next hop's routes are (nhRouteIndex) as of the last whole read of its
   * routes: where to look for a page's next hops, never an answer by itself (see pageNaming).
   */
  private readonly nhRoutes = new PerSnapshot<Map<number, NhRoutes>>();
  /** What next-hop records need of a compute's tables (nhContext), once per snapshot of them. */
  private readonly nhContexts = new PerSnapshot<NhContext>();

  /** Names of what a compute's tables mention, from its own interfaces and the config API. */
  private async context(c: Compute) {
    const vrfs = (await this.reader.vrfs(c)).value;
    const [itfs, tables, mpls, names] = await Promise.all([
      this.reader.interfaces(c),
      Promise.all(vrfs.map((v) => this.reader.routes(c, v.ucindex))),
      this.reader.mpls(c),
      this.names.index(),
    ]);
    const routeTables = tables.map((t) => t.value);
    const routes = routeTables.flat();
    // Built here, with every route at hand; later next-hop pages find it by `last` (pageNaming).
    this.nhRoutes.get(c.url, [...routeTables, names.value], () =>
      nhRouteIndex(vrfs, routeTables, names.value),
    );
    const nh = this.nhContexts.get(c.url, [itfs.value, mpls.value, ...routeTables], () =>
      nhContext(itfs.value, routes, mpls.value),
    );
    return { itfs: itfs.value, routes, nh, names: names.value };
  }

  /**
   * What the next hops of one page need from the routes (a composite's VRF and hash fields, the VIP
   * that names it), from the routes the index says use them — each read again by its exact prefix
   * (Inet4UcRouteReq `src_ip` + `prefix_len`) and kept only if it still points at the next hop —
   * instead of every route of every VRF. Undefined when that cannot answer (no index yet, a
   * composite it does not know, a route that moved): then the page reads the whole context.
   * Routes are the only source: NhSandeshData carries no VIP, VRF or hash fields for a composite,
   * and Inet4UcRouteReq filters by `vrf_index`, `src_ip` and `prefix_len` only, not by next hop
   * (tf-controller src/vnsw/agent/oper/agent.sandesh).
   */
  private async pageNaming(
    c: Compute,
    rows: readonly NhSandeshData[],
  ): Promise<{ nh: NhContext; naming: (nh: NhSandeshData) => EntityNames } | undefined> {
    const index = this.nhRoutes.last(c.url);
    if (!index) return undefined;
    const wanted = new Map<string, RouteAt>();
    for (const n of rows) {
      if (n.type === 'interface' || n.type === 'tunnel') continue;
      const at = index.get(n.nh_index);
      if (isComposite(n) && !at?.first) return undefined;
      for (const r of [at?.first, at?.vip]) if (r) wanted.set(routeAtKey(r), r);
    }
    const [itfs, mpls, names, routes] = await Promise.all([
      this.reader.interfaces(c),
      this.reader.mpls(c),
      this.names.index(),
      Promise.all([...wanted.values()].map((r) => this.exactRoute(c, r))),
    ]);
    const read = new Map([...wanted.keys()].map((key, i) => [key, routes[i]!]));
    const composites = new Map<number, { vrf: string; hashFields: string }>();
    const vipOf = new Map<number, string>();
    for (const n of rows) {
      const at = index.get(n.nh_index);
      if (!at) continue;
      if (at.first && isComposite(n)) {
        const r = read.get(routeAtKey(at.first));
        const path = r?.path_list.find((p) => p.nh.nh_index === n.nh_index && isComposite(p.nh));
        if (!r || !path) return undefined;
        composites.set(n.nh_index, { vrf: r.src_vrf, hashFields: path.ecmp_hashing_fields ?? '' });
      }
      if (at.vip && n.type !== 'interface' && n.type !== 'tunnel') {
        const r = read.get(routeAtKey(at.vip));
        if (!r?.path_list.some((p) => p.nh.nh_index === n.nh_index) || !names.value.lbs.has(r.src_ip))
          return undefined;
        vipOf.set(n.nh_index, r.src_ip);
      }
    }
    const nh: NhContext = {
      interfaces: interfaceIndex(itfs.value),
      composites,
      labelled: new Set(mpls.value.map((m) => m.nh.nh_index)),
    };
    return { nh, naming: nhNamingOf(c, interfaceIndex(itfs.value), vipOf, names.value) };
  }

  /** One route by its exact prefix (Inet4UcRouteReq `src_ip` + `prefix_len`), shared per snapshot. */
  private async exactRoute(c: Compute, at: RouteAt): Promise<RouteUcSandeshData | null> {
    if (at.plen === 32) return hostRoute(this.reader, c, at.vrf, at.ip);
    const read = await this.reader.cache.get(`${c.url}|route:${at.vrf}:${at.ip}/${at.plen}`, () =>
      this.reader.read(
        c,
        async (a) => (await a.routes(at.vrf, { ip: at.ip, plen: at.plen })).items[0] ?? null,
      ),
    );
    return read.value;
  }

  // ---- routes -------------------------------------------------------------------------------------

  async routePage(c: Compute, q: RoutePageQuery): Promise<RoutePage> {
    const vrf = await this.reader.vrf(c, q.vrf);
    const [routes, itfs, mpls, names] = await Promise.all([
      this.reader.routes(c, vrf.ucindex),
      this.reader.interfaces(c),
      this.reader.mpls(c),
      this.names.index(),
    ]);
    const ctx = this.nhContexts.get(`${c.url}|${vrf.ucindex}`, [itfs.value, mpls.value, routes.value], () =>
      nhContext(itfs.value, routes.value, mpls.value),
    );
    const prefix = q.prefix === undefined ? undefined : prefixFilter(q.prefix);
    const words = wordsOf(q.q);
    const rowNames = (r: RouteUcSandeshData) => routeNames(r, names.value);
    const cut = await pageOf({
      rows: routes.value,
      sort: q.sort ?? 'prefix',
      key:
        q.sort === 'nh'
          ? (r) => [r.path_list[0]?.nh.nh_index ?? -1, ipNumber(r.src_ip), r.src_plen]
          : (r) => [ipNumber(r.src_ip), r.src_plen],
      order: q.order ?? 'asc',
      limit: q.limit ?? DEFAULT_PAGE_LIMIT,
      cursor: q.cursor,
      ...(prefix || q.nh !== undefined || words.length > 0
        ? {
            matches: (r: RouteUcSandeshData) =>
              (!prefix || prefix(ipNumber(r.src_ip), r.src_plen)) &&
              (q.nh === undefined || r.path_list.some((p) => p.nh.nh_index === q.nh)) &&
              matchesWords(words, () => routeText(r, rowNames(r))),
          }
        : {}),
    });
    return {
      items: cut.rows.map((r) => ({ record: routeJson(r, ctx), names: rowNames(r) })),
      total: cut.total,
      matched: cut.matched,
      cursor: cut.cursor,
      asOf: iso(routes.asOf),
    };
  }

  // ---- next hops ----------------------------------------------------------------------------------

  /**
   * A page of the next-hop table. Sorted and filtered by type, it needs only the next hops
   * (NhListReq) and, for the page's rows, the routes that use them (pageNaming); a VIP or words
   * filter needs every row's names, so it reads every route (context).
   */
  async nexthopPage(c: Compute, q: NexthopPageQuery): Promise<NexthopPage> {
    const words = wordsOf(q.q);
    const whole = q.vip !== undefined || words.length > 0 || this.nhRoutes.last(c.url) === undefined;
    const [nhs, full] = await Promise.all([this.reader.nexthops(c), whole ? this.context(c) : undefined]);
    const vipNhs =
      q.vip === undefined || !full ? undefined : behindVip(q.vip, full.routes, nhs.value, full.itfs);
    const fullNaming = full && nhNaming(c, full.itfs, full.routes, full.names);
    const sort = q.sort ?? 'id';
    const key =
      sort === 'type'
        ? (n: NhSandeshData): SortKey => [nhTypeWord(n), n.nh_index]
        : sort === 'refcount'
          ? (n: NhSandeshData): SortKey => [n.ref_count, n.nh_index]
          : (n: NhSandeshData): SortKey => [n.nh_index];
    const cut = await pageOf({
      rows: nhs.value,
      sort,
      key,
      order: q.order ?? 'asc',
      limit: q.limit ?? DEFAULT_PAGE_LIMIT,
      cursor: q.cursor,
      ...(q.type !== undefined || vipNhs || words.length > 0
        ? {
            matches: (n: NhSandeshData) =>
              (q.type === undefined || nhTypeWord(n) === q.type) &&
              (!vipNhs || vipNhs.has(n.nh_index)) &&
              matchesWords(
                words,
                () => `${n.nh_index} ${n.type} ${n.itf ?? ''} ${n.dip ?? ''} ${textOf(fullNaming!(n))}`,
              ),
          }
        : {}),
    });
    const named = full ? { nh: full.nh, naming: fullNaming! } : await this.namingFor(c, cut.rows);
    return {
      items: cut.rows.map((n) => ({ record: nhJson(n, named.nh), names: named.naming(n) })),
      total: cut.total,
      matched: cut.matched,
      cursor: cut.cursor,
      asOf: iso(nhs.asOf),
    };
  }

  /** The rows' context and names: from their own routes when it can, else from every route. */
  private async namingFor(c: Compute, rows: readonly NhSandeshData[]) {
    const page = await this.pageNaming(c, rows);
    if (page) return page;
    const ctx = await this.context(c);
    return { nh: ctx.nh, naming: nhNaming(c, ctx.itfs, ctx.routes, ctx.names) };
  }

  /** One next hop with what it is (`nh` detail). */
  async nexthop(c: Compute, id: number): Promise<NhListResp & { names: EntityNames }> {
    const nhs = await this.reader.nexthops(c);
    const nh = nhs.value.find((n) => n.nh_index === id);
    if (!nh) throw new NotFound(`no next hop ${id} on ${c.name}`);
    const named = await this.namingFor(c, [nh]);
    return { nh_list: [nhJson(nh, named.nh)], names: named.naming(nh) };
  }

  // ---- interfaces ---------------------------------------------------------------------------------

  async interfacePage(c: Compute, q: InterfacePageQuery): Promise<InterfacePage> {
    const [itfs, names] = await Promise.all([this.reader.interfaces(c), this.names.index()]);
    const words = wordsOf(q.q);
    const naming = (i: ItfSandeshData) => interfaceNames(c, i, names.value);
    const cut = await pageOf({
      rows: itfs.value,
      sort: 'index',
      key: (i) => [i.index],
      order: q.order ?? 'asc',
      limit: q.limit ?? DEFAULT_PAGE_LIMIT,
      cursor: q.cursor,
      ...(words.length > 0
        ? {
            matches: (i: ItfSandeshData) =>
              matchesWords(
                words,
                () =>
                  `${i.index} ${i.name} ${i.type} ${i.ip_addr} ${i.mac_addr} ${i.vrf_name} ${i.vm_name} ${i.fip_list.map((f) => f.ip_addr).join(' ')} ${textOf(naming(i))}`,
              ),
          }
        : {}),
    });
    return {
      items: cut.rows.map((i) => ({ record: itfJson(i), names: naming(i) })),
      total: cut.total,
      matched: cut.matched,
      cursor: cut.cursor,
      asOf: iso(itfs.asOf),
    };
  }

  // ---- flows --------------------------------------------------------------------------------------

  /**
   * A page of the flow table. In the agent's own order (index ascending: what the Flows tab asks,
   * with or without a filter) it is read from the agent's pages from the cursor on, only until the
   * page is full of matches (agentOrderPage); another sort needs every flow, so it reads the whole
   * table into the shared snapshot (page by page, the event loop free between them: other
   * requests go on meanwhile) and pages that.
   */
  async flowPage(c: Compute, q: FlowPageQuery): Promise<FlowPage> {
    const names = await this.names.index();
    const matches = flowFilter(q, names.value);
    const agentOrder = (q.sort ?? 'index') === 'index' && (q.order ?? 'asc') === 'asc';
    if (!agentOrder) return this.snapshotFlowPage(c, q, undefined, names.value, matches);
    const after = q.cursor === undefined ? undefined : flowIndexOf(q.cursor);
    // A whole table read moments ago answers with its counts; its cursors are the same `[index]`.
    const read = await this.reader.flowsIfRead(c);
    if (read) return this.snapshotFlowPage(c, q, read, names.value, matches);
    return this.agentOrderPage(c, after, q.limit ?? DEFAULT_PAGE_LIMIT, names.value, matches);
  }

  /**
   * The next `limit` flows in index order after the cursor's flow that pass the filters, from the
   * introspect pages they are on (`NextKFlowReq` from the index after it): requests proportional
   * to the flows up to the page's last match, not the table, and names and reverse flows for the
   * rows returned only. Counted only when the scan walked the whole table (from its start to its
   * end); otherwise `total` and `matched` are not known (null).
   */
  private async agentOrderPage(
    c: Compute,
    after: number | undefined,
    limit: number,
    index: NameIndex,
    matches: FlowMatch | undefined,
  ): Promise<FlowPage> {
    const from = after === undefined ? 0 : after + 1;
    const read = await this.reader.flowsFrom(c, from, limit, matches && keepOf(matches, index));
    const rows = read.flows.map((f) => flowRow(f, read.reverses.get(f.rflow)));
    const last = rows.at(-1);
    const whole = from === 0 && !read.more;
    return {
      items: rows.map((f) => ({ record: flowJson(f), names: flowNames(f, index) })),
      total: whole ? read.scanned : null,
      matched: whole ? rows.length : null,
      cursor: read.more && last ? encodeCursor(flowKey(last)) : null,
      asOf: iso(read.asOf),
    };
  }

  private async snapshotFlowPage(
    c: Compute,
    q: FlowPageQuery,
    read: Snapshot<KFlowInfo[]> | undefined,
    index: NameIndex,
    matches: FlowMatch | undefined,
  ): Promise<FlowPage> {
    const flows = await (read ?? this.reader.flows(c));
    const rows = await rowsOf(flows.value);
    const sort = q.sort ?? 'index';
    const cut = await pageOf({
      rows,
      sort,
      key:
        sort === 'packets'
          ? (f) => [f.pkts, f.index]
          : sort === 'bytes'
            ? (f) => [f.bytes, f.index]
            : flowKey,
      order: q.order ?? 'asc',
      limit: q.limit ?? DEFAULT_PAGE_LIMIT,
      cursor: q.cursor,
      ...(matches ? { matches: (f: FlowRow) => matches(f, index) } : {}),
    });
    return {
      items: cut.rows.map((f) => ({ record: flowJson(f), names: flowNames(f, index) })),
      total: cut.total,
      matched: cut.matched,
      cursor: cut.cursor,
      asOf: iso(flows.asOf),
    };
  }

  // ---- the whole tables, as the SPA read them before pages ----------------------------------------

  async vrfList(c: Compute): Promise<VrfListResp> {
    const vrfs = (await this.reader.vrfs(c)).value;
    const sizes = await this.routeCounts(c, vrfs);
    return {
      vrf_list: [...vrfs]
        .sort((a, b) => a.ucindex - b.ucindex)
        .map((v) => vrfJson(v, sizes.get(v.ucindex) ?? 0)),
    };
  }

  /** Each VRF's route count: its route table's `table_size`, from a request no route matches. */
  private async routeCounts(c: Compute, vrfs: readonly VrfSandeshData[]): Promise<Map<number, number>> {
    const sizes = await this.reader.cache.get(`${c.url}|route-counts`, () =>
      this.reader.read(c, (a) =>
        Promise.all(
          vrfs.map(async (v) => {
            // No IPv4 route has a 33-bit prefix: the agent lists none and counts the table.
            const t = await a.table<unknown>(Inet4UcRouteReq, 'route_list', {
              vrf_index: v.ucindex,
              src_ip: '0.0.0.0',
              prefix_len: 33,
            });
            return [v.ucindex, t.tableSize] as const;
          }),
        ),
      ),
    );
    return new Map(sizes.value);
  }

  async routeList(c: Compute, vrfWhich: string) {
    const vrf = await this.reader.vrf(c, vrfWhich);
    const [routes, ctx] = await Promise.all([this.reader.routes(c, vrf.ucindex), this.context(c)]);
    return { route_list: routes.value.map((r) => routeJson(r, ctx.nh)), next_cursor: null };
  }

  async nexthopList(c: Compute): Promise<NhListResp & { next_cursor: null }> {
    const [nhs, ctx] = await Promise.all([this.reader.nexthops(c), this.context(c)]);
    return {
      nh_list: [...nhs.value].sort((a, b) => a.nh_index - b.nh_index).map((n) => nhJson(n, ctx.nh)),
      next_cursor: null,
    };
  }

  async interfaceList(c: Compute): Promise<ItfResp> {
    const itfs = (await this.reader.interfaces(c)).value;
    return {
      itf_list: itfs
        .filter((i) => i.type === 'vport')
        .sort((a, b) => a.index - b.index)
        .map(itfJson),
    };
  }

  async flowList(c: Compute): Promise<Omit<FlowList, 'counters'> & { next_cursor: null }> {
    const rows = await rowsOf((await this.reader.flows(c)).value);
    return { flow_list: rows.map(flowJson), flow_handle: '0', next_cursor: null };
  }
}

/** The index order's key: its cursors are `[index]` whichever path answered the page. */
const flowKey = (f: FlowRow): SortKey => [f.index];

/** The flow index an index-order cursor ends at, or a 400. */
function flowIndexOf(cursor: string): number {
  const key = decodeCursor(cursor);
  const index = key[0];
  if (key.length !== 1 || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    throw new InvalidRequest(
      `query.cursor: must be a cursor from a previous page of this sort (got "${cursor.slice(0, 40)}")`,
    );
  return index;
}

/** Whether a flow row passes a flow query's filters (its names from the index, only if the words need them). */
type FlowMatch = (f: FlowRow, index: NameIndex) => boolean;

/**
 * The flow query's filters as one test (undefined: no filter), or NotFound for a pod or Service
 * with no address in the config API. The same test for the whole-table read and the agent-order
 * scan, so both keep the same flows.
 */
function flowFilter(q: FlowPageQuery, index: NameIndex): FlowMatch | undefined {
  const ends = new Set<string>();
  if (q.pod !== undefined) {
    for (const [ip, p] of index.pods) if (p.pod === q.pod) ends.add(ip);
    if (ends.size === 0) throw new NotFound(`no pod ${q.pod} with an address in the config API`);
  }
  const vips = new Set<string>();
  if (q.service !== undefined) {
    for (const [ip, lb] of index.lbs) if (lb.service === q.service) vips.add(ip);
    if (vips.size === 0) throw new NotFound(`no Service ${q.service} with a load balancer in the config API`);
  }
  const words = wordsOf(q.q);
  if (
    q.vip === undefined &&
    q.ip === undefined &&
    q.port === undefined &&
    ends.size === 0 &&
    vips.size === 0 &&
    words.length === 0
  )
    return undefined;
  return (f, names) =>
    (q.vip === undefined || f.dip === q.vip || f.sip === q.vip) &&
    (q.ip === undefined || f.dip === q.ip || f.sip === q.ip) &&
    (q.port === undefined || f.dport === q.port || f.sport === q.port) &&
    (ends.size === 0 || ends.has(f.sip) || ends.has(f.dip)) &&
    (vips.size === 0 || vips.has(f.dip) || vips.has(f.sip)) &&
    matchesWords(words, () => flowText(f, flowNames(f, names)));
}

/**
 * The agent-order scan's test of a kernel flow: its row needs the reverse flow only for a DNAT
 * flow's DPAT flag, so without the reverse the flow is kept or left when the row with and without
 * DPAT agree (every filter but words naming `Pd`), and the reverse is asked for only otherwise.
 */
function keepOf(matches: FlowMatch, index: NameIndex): FlowKeep {
  return (f, reverse) => {
    if (reverse !== undefined || !needsReverse(f)) return matches(flowRow(f, reverse ?? undefined), index);
    const without = matches(flowRowWith(f, false), index);
    return without === matches(flowRowWith(f, true), index) ? without : undefined;
  };
}

const flowRowCache = new WeakMap<readonly KFlowInfo[], Promise<FlowRow[]>>();

/**
 * The snapshot's flows as `flow -l` rows (flowRows), once per snapshot, in slices: half a million
 * flows at once would hold the event loop for every other request.
 */
export function rowsOf(flows: readonly KFlowInfo[]): Promise<FlowRow[]> {
  let rows = flowRowCache.get(flows);
  if (!rows) flowRowCache.set(flows, (rows = rowsInSlices(flows)));
  return rows;
}

async function rowsInSlices(flows: readonly KFlowInfo[]): Promise<FlowRow[]> {
  const slicer = new Slicer();
  const byIndex = new Map<number, KFlowInfo>();
  for (const f of flows) {
    byIndex.set(f.index, f);
    if (slicer.due()) await yieldToLoop();
  }
  const rows: FlowRow[] = [];
  for (const f of flows) {
    rows.push(flowRow(f, f.rflow >= 0 ? byIndex.get(f.rflow) : undefined));
    if (slicer.due()) await yieldToLoop();
  }
  return rows;
}

function matchesWords(words: readonly string[], text: () => string): boolean {
  if (words.length === 0) return true;
  const t = text().toLowerCase();
  return words.every((w) => t.includes(w));
}

/** `?prefix=`: an address (routes covering it) or a CIDR (routes inside it); else a 400. */
function prefixFilter(text: string): (ip: number, plen: number) => boolean {
  const cidr = tryParseCidr(text);
  if (cidr) return (ip, plen) => plen >= cidr.prefixLength && cidrContains(cidr, ip);
  const ip = tryParseIpv4(text);
  if (ip === undefined)
    throw new InvalidRequest(`query.prefix: must be an IPv4 address or prefix (got "${text.slice(0, 40)}")`);
  return (base, plen) => plen === 0 || (ip ^ base) >>> (32 - plen) === 0;
}

function routeNames(r: RouteUcSandeshData, names: NameIndex): EntityNames {
  if (r.src_plen !== 32) return {};
  const own = namesOfAddress(names, r.src_ip);
  // A remote pod's route: the compute its tunnel leads to.
  const dip = r.path_list[0]?.nh.type === 'tunnel' ? r.path_list[0].nh.dip : undefined;
  const node = dip ? names.nodes.get(dip) : undefined;
  return node && !own.node ? { ...own, node } : own;
}

function routeText(r: RouteUcSandeshData, names: EntityNames): string {
  const p = r.path_list[0];
  return `${r.src_ip}/${r.src_plen} ${r.src_vrf} ${p?.nh.type ?? ''} ${p?.nh.nh_index ?? ''} ${p?.peer ?? ''} ${textOf(names)}`;
}

/**
 * The composites of `vip`'s routes (every path's: the local ECMP composite is the next hop of the
 * local path) and the next hops of their members.
 */
function behindVip(
  vip: string,
  routes: readonly RouteUcSandeshData[],
  nhs: readonly NhSandeshData[],
  itfs: readonly ItfSandeshData[],
): Set<number> {
  const index = interfaceIndex(itfs);
  const ids = new Set<number>();
  const members = new Set<ItfSandeshData>();
  const dips = new Set<string>();
  for (const r of routes) {
    if (r.src_ip !== vip || r.src_plen !== 32) continue;
    for (const p of r.path_list) {
      ids.add(p.nh.nh_index);
      for (const m of p.nh.mc_list ?? []) {
        const itf = m.type === 'Interface' ? index.ofComponent(m) : undefined;
        if (itf) members.add(itf);
        if (m.dip) dips.add(m.dip);
      }
    }
  }
  for (const n of nhs) {
    const itf = n.type === 'interface' ? index.ofNexthop(n) : undefined;
    if (itf && members.has(itf)) ids.add(n.nh_index);
    if (n.type === 'tunnel' && n.dip && dips.has(n.dip)) ids.add(n.nh_index);
  }
  return ids;
}

/** A route the next-hop index points at: where to read it again (its VRF index and exact prefix). */
interface RouteAt {
  vrf: number;
  ip: string;
  plen: number;
}

const routeAtKey = (r: RouteAt) => `${r.vrf}:${r.ip}/${r.plen}`;

/**
 * Per next hop, in the agent's route order (VRFs as VrfListReq lists them, each table in its
 * order): `first`, the first route with a path to it as a composite (its VRF and hash fields,
 * nhContext's choice); `vip`, the first /32 route of a load balancer's address with a path to it
 * (nhNaming's choice).
 */
interface NhRoutes {
  first?: RouteAt;
  vip?: RouteAt;
}

function nhRouteIndex(
  vrfs: readonly VrfSandeshData[],
  tables: readonly (readonly RouteUcSandeshData[])[],
  names: NameIndex,
): Map<number, NhRoutes> {
  const index = new Map<number, NhRoutes>();
  tables.forEach((routes, v) => {
    const vrf = vrfs[v]!.ucindex;
    for (const r of routes) {
      const at = { vrf, ip: r.src_ip, plen: r.src_plen };
      const lb = r.src_plen === 32 && names.lbs.has(r.src_ip);
      for (const p of r.path_list) {
        const id = p.nh.nh_index;
        let entry = index.get(id);
        if (!entry) index.set(id, (entry = {}));
        if (!entry.first && isComposite(p.nh)) entry.first = at;
        if (!entry.vip && lb) entry.vip = at;
      }
    }
  });
  return index;
}

/** What a next hop is: a composite's VIP and Service, an interface's pod, a tunnel's compute. */
function nhNaming(
  c: Compute,
  itfs: readonly ItfSandeshData[],
  routes: readonly RouteUcSandeshData[],
  names: NameIndex,
): (nh: NhSandeshData) => EntityNames {
  const vipOf = new Map<number, string>();
  for (const r of routes)
    if (r.src_plen === 32 && names.lbs.has(r.src_ip))
      for (const p of r.path_list) if (!vipOf.has(p.nh.nh_index)) vipOf.set(p.nh.nh_index, r.src_ip);
  return nhNamingOf(c, interfaceIndex(itfs), vipOf, names);
}

function nhNamingOf(
  c: Compute,
  byItf: InterfaceIndex,
  vipOf: ReadonlyMap<number, string>,
  names: NameIndex,
): (nh: NhSandeshData) => EntityNames {
  return (nh) => {
    if (nh.type === 'interface') {
      const itf = byItf.ofNexthop(nh);
      return itf ? interfaceNames(c, itf, names) : {};
    }
    if (nh.type === 'tunnel' && nh.dip) {
      const node = names.nodes.get(nh.dip);
      return node ? { node } : {};
    }
    const vip = vipOf.get(nh.nh_index);
    return vip ? namesOfAddress(names, vip) : {};
  };
}

function interfaceNames(c: Compute, i: ItfSandeshData, names: NameIndex): EntityNames {
  const pod = podKeyOfVmName(i.vm_name);
  if (!pod) return {};
  const lb = i.fip_list.map((f) => names.lbs.get(f.ip_addr)).find((l) => l !== undefined);
  return {
    pod,
    vmi: i.uuid,
    node: c.name,
    ...(lb ? { vip: lb.vip, lb: lb.uuid, ...(lb.service ? { service: lb.service } : {}) } : {}),
  };
}

function flowNames(f: FlowRow, names: NameIndex): EntityNames {
  const pod = names.pods.get(f.sip) ?? names.pods.get(f.dip);
  const lb = names.lbs.get(f.dip) ?? names.lbs.get(f.sip);
  const vip = lb ? (names.lbs.get(f.dip) ? f.dip : f.sip) : undefined;
  return {
    ...(pod ? { pod: pod.pod, vmi: pod.vmi, ...(pod.node ? { node: pod.node } : {}) } : {}),
    ...(lb && vip ? { vip, lb: lb.uuid, ...(lb.service ? { service: lb.service } : {}) } : {}),
  };
}

function flowText(f: FlowRow, names: EntityNames): string {
  return `${f.index} ${f.sip}:${f.sport} ${f.dip}:${f.dport} ${f.proto} ${flowActionText(f)} ${f.ecmp_index !== undefined ? `E:${f.ecmp_index}` : ''} ${textOf(names)}`;
}

/**
 * A value derived from snapshots (by array identity), kept per key until one of them is replaced:
 * what every page of a table needs is built once per snapshot, not once per request.
 */
class PerSnapshot<T> {
  private readonly kept = new Map<string, { from: readonly unknown[]; value: T }>();

  get(key: string, from: readonly unknown[], build: () => T): T {
    const known = this.kept.get(key);
    if (known && known.from.length === from.length && known.from.every((x, i) => x === from[i]))
      return known.value;
    const value = build();
    this.kept.set(key, { from, value });
    return value;
  }

  /** The last value built under `key`, whatever snapshots it came from. */
  last(key: string): T | undefined {
    return this.kept.get(key)?.value;
  }
}
