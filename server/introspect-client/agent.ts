// One compute's vRouter agent as its introspect tells it: the oper-DB tables (VRFs, routes, next
// hops, interfaces, MPLS labels) followed through every `Pagination` page, the kernel's tables
// (K* requests, batched with `more`), the flow table followed through `flow_handle`, one flow's
// record, and the agent's error answers as errors. Typed records from model/dataplane/sandesh;
// every request goes through IntrospectClient (and its allowlist). No UI server knowledge.
//
// Sources (tf-controller src/vnsw/agent): oper/agent_sandesh.cc (pages of 100 ending in
// `Pagination`, `next_page` a `PageReq` key, empty on the last page), kstate/kstate.cc and
// flow_kstate.cc (kernel dumps with `more`, `flow_handle` "0" at the end), pkt/pkt_sandesh_flow.cc
// (FetchFlowRecord → FlowRecordResp or FlowErrorResp; FlowsPerInetRouteFlowMgmtKeyReq → the flows
// filed under one route, keyed `<table>-<vrf>-<prefix>-<plen>` as InetRouteFlowMgmtKeyToString
// writes it; SandeshFlowTableInfoRequest → the flow tables).

import {
  Inet4UcRouteReq,
  ItfReq,
  MplsReq,
  NhListReq,
  PageReq,
  VrfListReq,
  type ItfSandeshData,
  type MplsSandeshData,
  type NhSandeshData,
  type PageReqData,
  type RouteUcSandeshData,
  type VrfSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import {
  KDropStatsReq,
  KFlowReq,
  KInterfaceReq,
  KMplsReq,
  KNHReq,
  KRouteReq,
  KVrfStatsReq,
  NextKFlowReq,
  type KDropStatsResp,
  type KFlowInfo,
  type KInterfaceInfo,
  type KMplsInfo,
  type KNHInfo,
  type KRouteInfo,
  type KVrfStatsInfo,
} from '@model/dataplane/sandesh/kstate.ts';
import {
  FetchFlowRecord,
  FlowsPerInetRouteFlowMgmtKeyReq,
  SandeshFlowTableInfoRequest,
  type SandeshFlowData,
  type SandeshFlowTableInfoResp,
} from '@model/dataplane/sandesh/pkt.ts';
import type { SandeshDef } from '@model/dataplane/sandesh/schema.ts';
import { IntrospectError, type IntrospectClient } from './client.ts';
import type { SandeshResponse } from './sandesh-reader.ts';

/** The agent's own error answers: a request it could not serve, with the agent's text. */
const ERROR_RESPONSES = new Set(['ErrorResp', 'ErrResp', 'InternalErrResp']);

/** A table as the agent walked it: every listed entry and the size the `Pagination` block gave. */
export interface AgentTable<R> {
  items: R[];
  /** `table_size` of the agent's DB table (all entries, before any filter). */
  tableSize: number;
}

/** The most pages one table walk follows (at 100 entries a page: 10M entries). */
const MAX_PAGES = 100_000;

/** The agent answered with an error response (`ErrorResp` "Invalid Input", `ErrResp`…). */
export class AgentRefused extends Error {
  override readonly name = 'AgentRefused';
}

function agentError(responses: readonly SandeshResponse[], what: string): AgentRefused | undefined {
  const err = responses.find((r) => ERROR_RESPONSES.has(r.name));
  return err ? new AgentRefused(`${what}: ${err.name} "${String(err.record.resp).trim()}"`) : undefined;
}

type Params = Readonly<Record<string, string | number | boolean>>;

export class AgentIntrospect {
  constructor(
    private readonly client: IntrospectClient,
    /** The introspect base URL, e.g. `http://10.85.188.20:8085`. */
    readonly url: string,
    /** For messages: the compute's name. */
    readonly node: string,
  ) {}

  private async call(def: SandeshDef, params: Params = {}): Promise<SandeshResponse[]> {
    return this.client.request(this.url, def, params);
  }

  /**
   * An oper-DB table request and every page after it: the list field of each response, then
   * `Snh_PageReq?key=<next_page>` until the `Pagination` block has no next page.
   */
  async table<R>(def: SandeshDef, listField: string, params: Params = {}): Promise<AgentTable<R>> {
    const items: R[] = [];
    let responses = await this.call(def, params);
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      const refused = agentError(responses, `${this.node} ${def.name}`);
      if (refused) throw refused;
      let pagination: PageReqData | undefined;
      for (const r of responses) {
        const list = r.record[listField];
        if (Array.isArray(list)) for (const item of list) items.push(item as R);
        if (r.name === 'Pagination') pagination = (r.record as { req: PageReqData }).req;
      }
      if (!pagination)
        throw new IntrospectError('body', `${this.node} ${def.name}: the answer has no Pagination block`);
      const next = pagination.next_page;
      if (!next) return { items, tableSize: pagination.table_size };
      if (seen.has(next) || page >= MAX_PAGES)
        throw new IntrospectError('body', `${this.node} ${def.name}: the page links loop (${next})`);
      seen.add(next);
      responses = await this.call(PageReq, { key: next });
    }
  }

  /** A kernel dump (K* request): the list field of every response of the answer. */
  private async kernel<R>(def: SandeshDef, listField: string, params: Params): Promise<R[] | null> {
    const responses = await this.call(def, params);
    // -ENOENT (ErrResp) for one object the kernel does not have: nothing.
    if (responses.some((r) => r.name === 'ErrResp')) return null;
    const refused = agentError(responses, `${this.node} ${def.name}`);
    if (refused) throw refused;
    return responses.flatMap((r) => (Array.isArray(r.record[listField]) ? (r.record[listField] as R[]) : []));
  }

  vrfs(): Promise<AgentTable<VrfSandeshData>> {
    return this.table(VrfListReq, 'vrf_list');
  }

  /** Unicast routes of a VRF (by index); with `prefix` only that exact prefix. */
  routes(vrfIndex: number, prefix?: { ip: string; plen: number }): Promise<AgentTable<RouteUcSandeshData>> {
    return this.table(Inet4UcRouteReq, 'route_list', {
      vrf_index: vrfIndex,
      ...(prefix ? { src_ip: prefix.ip, prefix_len: prefix.plen } : {}),
    });
  }

  nexthops(filter: { type?: string; nh_index?: number } = {}): Promise<AgentTable<NhSandeshData>> {
    return this.table(NhListReq, 'nh_list', filter);
  }

  interfaces(filter: { name?: string; uuid?: string } = {}): Promise<AgentTable<ItfSandeshData>> {
    return this.table(ItfReq, 'itf_list', filter);
  }

  /** The MPLS label table; with `label` only that label. */
  mpls(label?: number): Promise<AgentTable<MplsSandeshData>> {
    return this.table(MplsReq, 'mpls_list', label === undefined ? {} : { label });
  }

  /** One kernel next hop; null when the kernel has none by that id (ErrResp, or past its table). */
  async knh(id: number): Promise<KNHInfo | null> {
    const rows = await this.kernel<KNHInfo>(KNHReq, 'nh_list', { nh_id: id }).catch((err) => {
      if (err instanceof AgentRefused) return null;
      throw err;
    });
    return rows?.[0] ?? null;
  }

  async knhs(): Promise<KNHInfo[]> {
    return (await this.kernel<KNHInfo>(KNHReq, 'nh_list', { nh_id: -1 })) ?? [];
  }

  /** Every mtrie entry of a VRF; null when the kernel has no table for it. */
  kroutes(vrfId: number): Promise<KRouteInfo[] | null> {
    return this.kernel<KRouteInfo>(KRouteReq, 'rt_list', { vrf_id: vrfId, family: 'inet' }).catch((err) => {
      if (err instanceof AgentRefused) return null;
      throw err;
    });
  }

  async kinterfaces(): Promise<KInterfaceInfo[]> {
    return (await this.kernel<KInterfaceInfo>(KInterfaceReq, 'if_list', { if_id: -1 })) ?? [];
  }

  async kmpls(): Promise<KMplsInfo[]> {
    return (await this.kernel<KMplsInfo>(KMplsReq, 'mpls_list', { mpls_label: -1 })) ?? [];
  }

  /** VRF statistics: every VRF, or one (null when the kernel has none for it). */
  async kvrfStats(vrfIndex = -1): Promise<KVrfStatsInfo[] | null> {
    return this.kernel<KVrfStatsInfo>(KVrfStatsReq, 'vrf_stats_list', { vrf_index: vrfIndex }).catch(
      (err) => {
        if (err instanceof AgentRefused && vrfIndex >= 0) return null;
        throw err;
      },
    );
  }

  async kdropStats(): Promise<KDropStatsResp> {
    const responses = await this.call(KDropStatsReq);
    const stats = responses.find((r) => r.name === 'KDropStatsResp');
    if (!stats)
      throw (
        agentError(responses, `${this.node} KDropStatsReq`) ??
        new IntrospectError('body', `${this.node} KDropStatsReq: no KDropStatsResp`)
      );
    return stats.record as unknown as KDropStatsResp;
  }

  /**
   * The kernel flow table: `KFlowReq` then `NextKFlowReq` with each `flow_handle` until it is "0".
   * `onPage` sees each page as it arrives (the caller may yield between them).
   */
  async kflows(onPage?: (flows: KFlowInfo[]) => void | Promise<void>): Promise<KFlowInfo[]> {
    const all: KFlowInfo[] = [];
    await this.scanFlows(undefined, async (flows) => {
      for (const f of flows) all.push(f);
      await onPage?.(flows);
      return true;
    });
    return all;
  }

  /**
   * The kernel flow table from index `from` (0: the start) in the agent's order (flow index, as
   * `flow -l` lists them), page by page while `onPage` says go on: only the pages needed are asked
   * for. `ended`: the scan reached the end of the table.
   *
   * A handle is where the agent's scan starts: `NextKFlowReq` builds `FlowKState(flow_handle)` and
   * scans from that index (kstate/kstate_handler.cc, flow_kstate.cc), so the index after a flow
   * continues right after it.
   */
  async scanKflows(
    from: number,
    onPage: (flows: KFlowInfo[]) => boolean | Promise<boolean>,
  ): Promise<{ ended: boolean }> {
    return { ended: await this.scanFlows(from === 0 ? undefined : String(from), onPage) };
  }

  /** The kernel flow table's first page (one KFlowReq answer) and whether more pages follow. */
  async kflowsFirstPage(): Promise<{ flows: KFlowInfo[]; more: boolean }> {
    let flows: KFlowInfo[] = [];
    const ended = await this.scanFlows(undefined, (page) => {
      flows = page;
      return false;
    });
    return { flows, more: !ended };
  }

  /**
   * The scan behind these (kflows, scanKflows, kflowsFirstPage): `KFlowReq` (or `NextKFlowReq` from `handle`), then `NextKFlowReq` with
   * each `flow_handle` while `onPage` says go on and the handle is not "0" (or "0 evicted_set",
   * FlowKState's end of table). True when the scan reached the end of the table.
   */
  private async scanFlows(
    handle: string | undefined,
    onPage: (flows: KFlowInfo[]) => boolean | Promise<boolean>,
  ): Promise<boolean> {
    let responses =
      handle === undefined
        ? await this.call(KFlowReq, { flow_idx: -1, show_evicted: 0 })
        : await this.call(NextKFlowReq, { flow_handle: handle });
    const seen = new Set<string>();
    for (;;) {
      const refused = agentError(responses, `${this.node} KFlowReq`);
      if (refused) throw refused;
      const page = responses.find((r) => r.name === 'KFlowResp');
      if (!page) throw new IntrospectError('body', `${this.node} KFlowReq: no KFlowResp`);
      const goOn = await onPage(page.record.flow_list as KFlowInfo[]);
      const next = String(page.record.flow_handle ?? '').trim();
      if (next === '' || next.split(' ')[0] === '0') return true;
      if (!goOn) return false;
      if (seen.has(next) || seen.size >= MAX_PAGES)
        throw new IntrospectError('body', `${this.node} NextKFlowReq: the flow handles loop (${next})`);
      seen.add(next);
      responses = await this.call(NextKFlowReq, { flow_handle: next });
    }
  }

  /** One kernel flow by its index (KFlowReq `flow_idx`), or null when that entry is not active. */
  async kflow(index: number): Promise<KFlowInfo | null> {
    const rows = await this.kernel<KFlowInfo>(KFlowReq, 'flow_list', { flow_idx: index, show_evicted: 0 });
    return rows?.[0] ?? null;
  }

  /** The agent's record of one flow by its key, or null when it has none (`FlowErrorResp`). */
  async flowRecord(key: {
    nh: number;
    sip: string;
    dip: string;
    src_port: number;
    dst_port: number;
    protocol: number;
  }): Promise<SandeshFlowData | null> {
    const responses = await this.call(FetchFlowRecord, key);
    const record = responses.find((r) => r.name === 'FlowRecordResp');
    if (record) return record.record.record as SandeshFlowData;
    if (responses.some((r) => r.name === 'FlowErrorResp')) return null;
    throw new IntrospectError(
      'body',
      `${this.node} FetchFlowRecord: neither FlowRecordResp nor FlowErrorResp`,
    );
  }

  /** The agent's flow tables and their counts (SandeshFlowTableInfoRequest). */
  async flowTables(): Promise<SandeshFlowTableInfoResp> {
    const responses = await this.call(SandeshFlowTableInfoRequest);
    const info = responses.find((r) => r.name === 'SandeshFlowTableInfoResp');
    if (!info)
      throw (
        agentError(responses, `${this.node} SandeshFlowTableInfoRequest`) ??
        new IntrospectError('body', `${this.node} SandeshFlowTableInfoRequest: no SandeshFlowTableInfoResp`)
      );
    return info.record as unknown as SandeshFlowTableInfoResp;
  }

  /**
   * The flows one flow table's flow management files under a route (FlowsPerInetRouteFlowMgmtKeyReq):
   * those whose source or destination lookup, in `vrf`, matched `prefix`/`plen`. One answer,
   * not paged; an unknown route or table is an empty list.
   */
  async routeFlows(table: number, vrf: number, prefix: string, plen: number): Promise<SandeshFlowData[]> {
    const responses = await this.call(FlowsPerInetRouteFlowMgmtKeyReq, {
      key: `${table}-${vrf}-${prefix}-${plen}`,
    });
    const refused = agentError(responses, `${this.node} FlowsPerInetRouteFlowMgmtKeyReq`);
    if (refused) throw refused;
    const answer = responses.find((r) => r.name === 'FlowsPerInetRouteFlowMgmtKeyResp');
    if (!answer)
      throw new IntrospectError(
        'body',
        `${this.node} FlowsPerInetRouteFlowMgmtKeyReq: no FlowsPerInetRouteFlowMgmtKeyResp`,
      );
    return answer.record.flow_list as SandeshFlowData[];
  }
}
