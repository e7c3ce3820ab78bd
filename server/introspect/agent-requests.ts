// The vRouter agent's introspect requests, answered from one simulated compute: which Sandesh
// responses each request produces, in order, with their `more` flags — the agent's table walks
// with their filters and pagination, the kernel dumps, the flow pages and the error answers.
// Produces records lazily (a generator per request, a page of entries at a time); no HTTP and no
// XML here (server.ts and sandesh-xml.ts do those).
//
// Sources (tf-controller src/vnsw/agent):
// - oper/agent_sandesh.cc: AgentSandesh::DoSandeshInternal / EntrySandesh / SandeshDone (a
//   response with more=true every entries_per_sandesh = 100 entries, the rest with more=true,
//   then `Pagination` with more=false), ComputeFirst / ComputeLast / ComputePageSize,
//   MakeSandeshPageReq (the page links), EncodeOne and AgentSandeshArguments (the `key` text),
//   AgentSandeshManager::Run (PageReq: "Invalid request", "Invalid DBTable", "<table>:Pagination
//   not supported"), the Filter of each table (AgentNhSandesh, AgentIntfSandesh, AgentMplsSandesh);
// - oper/vrf.cc VrfEntry::DBEntrySandesh (the name filter), oper/inet_unicast_route.cc
//   Inet4UcRouteReq::HandleRequest (ErrorResp for an unknown VRF, the exact-prefix filter);
// - kstate/kstate_handler.cc, kstate.cc, *_kstate.cc: a kernel dump answers in batches (more=true
//   while the kernel says DUMP_INCOMPLETE), -ENOENT answers ErrResp, other errors InternalErrResp,
//   KRouteReq checks the family; kstate/flow_kstate.cc FlowKState::Run (100 flows per KFlowResp,
//   `flow_handle` = where the next page starts or "0", " evicted_set" appended with show_evicted);
// - pkt/pkt_sandesh_flow.cc FetchFlowRecord::HandleRequest, FlowsPerInetRouteFlowMgmtKeyReq::
//   HandleRequest (StringToInetRouteFlowMgmtKey: `<table>-<vrf>-<ip>-<plen>`, an unknown table or
//   a malformed key answers an empty list) and SandeshFlowTableInfoRequest::HandleRequest;
//   controller/controller_sandesh.cc AgentXmppConnectionStatusReq::HandleRequest.

import type { SandeshDef } from '@model/dataplane/sandesh/schema.ts';
import {
  ErrorResp,
  Inet4UcRouteReq,
  Inet4UcRouteResp,
  ItfReq,
  ItfResp,
  MplsReq,
  MplsResp,
  NhListReq,
  NhListResp,
  PageReq,
  Pagination,
  VrfListReq,
  VrfListResp,
  type PageReqData,
} from '@model/dataplane/sandesh/agent.ts';
import {
  AgentXmppConnectionStatus,
  AgentXmppConnectionStatusReq,
} from '@model/dataplane/sandesh/controller.ts';
import {
  ErrResp,
  InternalErrResp,
  KDropStatsReq,
  KDropStatsResp,
  KFlowReq,
  KFlowResp,
  KInterfaceReq,
  KInterfaceResp,
  KMplsReq,
  KMplsResp,
  KNHReq,
  KNHResp,
  KRouteReq,
  KRouteResp,
  KVrfStatsReq,
  KVrfStatsResp,
  NextKFlowReq,
} from '@model/dataplane/sandesh/kstate.ts';
import {
  FetchFlowRecord,
  FlowErrorResp,
  FlowRecordResp,
  FlowsPerInetRouteFlowMgmtKeyReq,
  FlowsPerInetRouteFlowMgmtKeyResp,
  SandeshFlowTableInfoRequest,
  SandeshFlowTableInfoResp,
} from '@model/dataplane/sandesh/pkt.ts';
import { tryParseIpv4 } from '@model/net/ipv4.ts';
import {
  agentXmppData,
  flowRouteKeys,
  interfacesInDbOrder,
  itfSandeshData,
  mplsSandeshData,
  nexthopsInDbOrder,
  nhSandeshData,
  routeUcSandeshData,
  sandeshFlowData,
  vrfsInDbOrder,
  vrfSandeshData,
} from '@server/dataplane/agent-records.ts';
import {
  kdropStats,
  kflowRow,
  kifRow,
  kmplsRows,
  knhRow,
  krouteRows,
  kvrfStatsRow,
} from '@server/dataplane/kstate.ts';
import type { Vif, VRouter } from '@server/dataplane/vrouter.ts';
import { parseRequestParams, strtoul, type RequestValues } from './request-params.ts';

/** One Sandesh message of an answer. */
export interface SandeshMessage {
  // Each message pairs a def with a record of its type; the pairing is made where both are known.
  readonly def: SandeshDef<never>;
  readonly record: object;
  readonly more: boolean;
}

/** What a request needs from the simulation around the compute. */
export interface IntrospectTarget {
  /** The compute's vRouter (undefined once the compute is gone). */
  router(): VRouter | undefined;
  /** The control node the agent's XMPP session is up with. */
  controlNode(): string;
  /** When that session came up (ms since the epoch). */
  connectedSince(): number;
  now(): number;
}

/** A response holding only its declared defaults (`ErrResp`'s "   Invalid Input !!!   "). */
function defaults<R>(def: SandeshDef<R>): R {
  return Object.fromEntries(
    def.fields.filter((f) => f.defaultValue !== undefined).map((f) => [f.name, f.defaultValue]),
  ) as R;
}

const message = <R>(def: SandeshDef<R>, record: R, more = false): SandeshMessage => ({
  def: def as unknown as SandeshDef<never>,
  record: record as object,
  more,
});

/** AgentSandesh::entries_per_sandesh and kEntriesPerPage. */
export const ENTRIES_PER_SANDESH = 100;
export const ENTRIES_PER_PAGE = 100;
/** KState::kMaxEntriesPerResponse (flows); kernel dumps are batched the same way here. */
export const K_ENTRIES_PER_RESPONSE = 100;

// ---- the agent's DB tables -------------------------------------------------------------------------

/** One agent DB table as an AgentSandesh walks it. */
interface AgentTable<E, R> {
  /** The DBTable name (`db.nexthop.0`, `<vrf>.uc.route.0`). */
  readonly name: string;
  readonly size: number;
  entries(): Iterable<E>;
  /** AgentSandesh::Filter: entries failing it are neither listed nor counted. */
  filter(entry: E): boolean;
  /** UpdateResp: the record, or null when DBEntrySandesh declines the entry. */
  update(entry: E): R | null;
  /** FilterToArgs: the filters carried in the page links. */
  readonly filterArgs: Readonly<Record<string, string>>;
  readonly resp: SandeshDef<{ [list: string]: R[] }>;
  readonly listField: string;
}

function computeFirst(first: number, len: number): number {
  return first < 0 || first > len ? 0 : first;
}

function computeLast(first: number, last: number, len: number): number {
  if (last < 0) return -1;
  if (last >= len) return first + ENTRIES_PER_PAGE - 1;
  if (last < first) return first + ENTRIES_PER_PAGE - 1;
  return last;
}

function computePageSize(first: number, last: number): number {
  if (first < 0 || last < 0) return ENTRIES_PER_PAGE;
  if (last <= first) return ENTRIES_PER_PAGE;
  return last - first + 1;
}

/** AgentSandeshArguments::Encode: `key:value` pairs in key order, joined by `,`. */
function encodeArgs(args: Readonly<Record<string, string>>): string {
  return Object.keys(args)
    .sort()
    .map((k) => `${k}:${args[k]}`)
    .join(',');
}

/** EncodeOne: `begin:…,end:…,table:…,` then the filter arguments. */
export function encodePageKey(
  table: string,
  begin: number,
  end: number,
  filter: Readonly<Record<string, string>>,
): string {
  return `${encodeArgs({ begin: String(begin), end: String(end), table })},${encodeArgs(filter)}`;
}

/** AgentSandeshArguments::Decode of a PageReq key (std::getline splitting, empty values skipped). */
export function decodePageKey(key: string): Map<string, string> {
  const args = new Map<string, string>();
  // getline yields no empty token after a trailing delimiter.
  const tokens = key.split(',');
  if (tokens.at(-1) === '') tokens.pop();
  for (const token of tokens) {
    const parts = token.split(':');
    if (parts.at(-1) === '') parts.pop();
    if (parts.length < 2) return args;
    const value = token.slice(parts[0]!.length + 1);
    if (value !== '') args.set(parts[0]!, value);
  }
  return args;
}

/** strtoul(text, NULL, 0) as AgentSandeshArguments::Get(int) reads begin and end. */
function strtoulBase0(text: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text);
  if (!m) return 0;
  const digits = m[2]!;
  let value = /^0[xX]/.test(digits)
    ? BigInt(digits)
    : digits.length > 1 && digits.startsWith('0')
      ? BigInt(`0o${digits.slice(1)}`)
      : BigInt(digits);
  if (m[1] === '-') value = -value;
  return Number(BigInt.asIntN(32, BigInt.asUintN(64, value)));
}

function makePageReq(
  table: AgentTable<unknown, unknown>,
  first: number,
  count: number,
  matchCount: number,
  pageSize: number,
): PageReqData {
  const len = table.size;
  const tableSize = len;
  const last = first + count - 1;
  let entries: string;
  if (matchCount >= 0) entries = count === 0 ? ` 0 / ${matchCount}` : `${first}-${last}/${matchCount}`;
  else entries = `${first}-${last}`;
  const req: PageReqData = {
    prev_page: '',
    next_page: '',
    first_page: '',
    all: '',
    table_size: len,
    entries,
  };
  const nextFirst = last + 1;
  let nextLast = nextFirst + pageSize - 1;
  if (matchCount >= 0 && nextLast > matchCount) nextLast = matchCount - 1;
  if (nextLast >= tableSize) nextLast = tableSize - 1;
  if ((matchCount >= 0 && nextFirst < matchCount) || (matchCount < 0 && nextFirst < tableSize))
    req.next_page = encodePageKey(table.name, nextFirst, nextLast, table.filterArgs);
  if (first > 0) {
    let prevFirst = pageSize < ENTRIES_PER_PAGE ? first - ENTRIES_PER_PAGE : first - pageSize;
    if (prevFirst < 0) prevFirst = 0;
    let prevLast = pageSize < ENTRIES_PER_PAGE ? prevFirst + ENTRIES_PER_PAGE : prevFirst + pageSize;
    if (prevLast >= first) prevLast = first - 1;
    req.prev_page = encodePageKey(table.name, prevFirst, prevLast, table.filterArgs);
  }
  req.first_page =
    len - ENTRIES_PER_PAGE >= 0
      ? encodePageKey(table.name, 0, ENTRIES_PER_PAGE - 1, table.filterArgs)
      : encodePageKey(table.name, 0, pageSize - 1, table.filterArgs);
  req.all = encodePageKey(table.name, -1, -1, table.filterArgs);
  return req;
}

/** The answer of an AgentSandesh walk over entries [first, last] of the table. */
function* walkTable<E, R>(
  table: AgentTable<E, R>,
  firstIn: number,
  lastIn: number,
): Generator<SandeshMessage> {
  const len = table.size;
  const pageSize = computePageSize(firstIn, lastIn);
  const first = computeFirst(firstIn, len);
  const last = computeLast(first, lastIn, len);
  let list: R[] = [];
  let count = 0;
  let total = 0;
  for (const entry of table.entries()) {
    if (!table.filter(entry)) continue;
    if (total >= first && (last < 0 || total <= last)) {
      const record = table.update(entry);
      // A declined entry returns before total_entries_ is counted.
      if (record === null) continue;
      list.push(record);
      count++;
      if (count % ENTRIES_PER_SANDESH === 0) {
        yield message(table.resp, { [table.listField]: list }, true);
        list = [];
      }
    }
    total++;
  }
  yield message(table.resp, { [table.listField]: list }, true);
  yield message(Pagination, {
    req: makePageReq(table as AgentTable<unknown, unknown>, first, count, total, pageSize),
  });
}

const matchSubString = (text: string, sub: string) => sub === '' || text.includes(sub);

/** boost::lexical_cast<uint32_t>: digits only (a leading `-` wraps); anything else throws. */
function lexicalCastU32(text: string): number | undefined {
  const m = /^([+-]?)(\d+)$/.exec(text);
  if (!m) return undefined;
  const value = BigInt(m[2]!);
  if (value > 0xffffffffn) return undefined;
  return m[1] === '-' ? Number(BigInt.asUintN(32, -value)) : Number(value);
}

const NH_TYPE_FILTER: Readonly<Record<string, string | null>> = {
  invalid: null,
  discard: 'discard',
  'l2-receive': null,
  receive: 'receive',
  resolve: null,
  arp: null,
  vrf: null,
  interface: 'interface',
  tunnel: 'tunnel',
  mirror: null,
  composite: 'composite',
  vlan: null,
};

function nhTable(router: VRouter, params: RequestValues) {
  const type = String(params.type ?? '');
  const nhIndex = String(params.nh_index ?? '');
  const policy = String(params.policy_enabled ?? '');
  // The agent's lexical_cast throws on a malformed index (and the request dies with it); here a
  // malformed index matches nothing.
  const wantedId = nhIndex === '' ? undefined : (lexicalCastU32(nhIndex) ?? -1);
  return {
    name: 'db.nexthop.0',
    size: router.nh.size,
    entries: () => nexthopsInDbOrder(router),
    filter: (nh: ReturnType<typeof nexthopsInDbOrder>[number]) => {
      if (type !== '' && type in NH_TYPE_FILTER && NH_TYPE_FILTER[type] !== nh.type) return false;
      if (policy !== '') {
        const enabled = 'enabled'.includes(policy);
        const nhPolicy = (nh.type === 'interface' || nh.type === 'composite') && nh.policy;
        if (enabled !== nhPolicy) return false;
      }
      if (wantedId !== undefined && nh.id !== wantedId) return false;
      return true;
    },
    update: (nh: ReturnType<typeof nexthopsInDbOrder>[number]) => nhSandeshData(router, nh),
    filterArgs: nonEmpty({ type, nh_index: nhIndex, policy_enabled: policy }),
    resp: NhListResp as SandeshDef<never>,
    listField: 'nh_list',
  } satisfies AgentTable<ReturnType<typeof nexthopsInDbOrder>[number], unknown>;
}

/** AgentSandeshArguments::Add(string) skips empty values. */
function nonEmpty(args: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== ''));
}

function vrfTable(
  router: VRouter,
  name: string,
): AgentTable<ReturnType<typeof vrfsInDbOrder>[number], unknown> {
  return {
    name: 'db.vrf.0',
    size: router.vrfById.length,
    entries: () => vrfsInDbOrder(router),
    filter: () => true,
    // VrfEntry::DBEntrySandesh lists a VRF only when its name contains the filter.
    update: (vrf) => (name === '' || vrf.name.includes(name) ? vrfSandeshData(router, vrf) : null),
    // AgentVrfSandesh has no FilterToArgs: page links drop the name.
    filterArgs: {},
    resp: VrfListResp as SandeshDef<never>,
    listField: 'vrf_list',
  };
}

const INTERFACE_TYPE_FILTER: Readonly<Record<string, readonly Vif['type'][]>> = {
  physical: ['fabric'],
  logical: [],
  vmi: ['pod'],
  inet: ['vhost'],
  pkt: ['pkt0'],
};

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const inactive = (s: string) => s === 'no' || s === 'inactive';

/** StringToUuid: a malformed uuid is the nil uuid. */
function uuidOf(text: string): string {
  const t = text.trim().toLowerCase();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t) ? t : NIL_UUID;
}

function interfaceTable(router: VRouter, params: RequestValues): AgentTable<Vif, unknown> {
  const p = (k: string) => String(params[k] ?? '');
  const [name, type, uuid, vn, mac, v4, v6, parent, ipActive, ip6Active, l2Active] = [
    p('name'),
    p('type'),
    p('uuid'),
    p('vn'),
    p('mac'),
    p('ipv4_address'),
    p('ipv6_address'),
    p('parent_uuid'),
    p('ip_active'),
    p('ip6_active'),
    p('l2_active'),
  ] as const;
  const wantedUuid = uuidOf(uuid);
  const wantedV4 = v4 === '' ? 0 : (tryParseIpv4(v4) ?? 0);
  return {
    name: 'db.interface.0',
    size: router.vifs.size,
    entries: () => interfacesInDbOrder(router),
    filter: (vif) => {
      if (!matchSubString(vif.name, name)) return false;
      if (type !== '' && type in INTERFACE_TYPE_FILTER && !INTERFACE_TYPE_FILTER[type]!.includes(vif.type))
        return false;
      if (uuid !== '' && wantedUuid !== (vif.placement?.vmiUuid ?? NIL_UUID)) return false;
      const placement = vif.placement;
      if ((vn !== '' || mac !== '' || v4 !== '' || v6 !== '') && !placement) return false;
      // Every interface here is IPv4- and L2-active and IPv6-inactive.
      if (ipActive !== '' && inactive(ipActive)) return false;
      if (l2Active !== '' && inactive(l2Active)) return false;
      if (!placement) return true;
      if (vn !== '' && !placement.vnName.includes(vn)) return false;
      if (!matchSubString(placement.mac.toLowerCase(), mac)) return false;
      if (v4 !== '' && wantedV4 !== placement.ip) return false;
      // No VMI has an IPv6 address: a v6 filter matches only `::`.
      if (v6 !== '' && !/^::$|^0*:0*:/.test(v6)) return false;
      void ip6Active;
      return true;
    },
    update: (vif) => itfSandeshData(router, vif),
    filterArgs: nonEmpty({
      type,
      name,
      uuid,
      vn,
      mac,
      ipv4: v4,
      ipv6: v6,
      parent,
      'ip-active': ipActive,
      'ip6-active': ip6Active,
      'l2-active': l2Active,
    }),
    resp: ItfResp as SandeshDef<never>,
    listField: 'itf_list',
  };
}

function mplsTable(router: VRouter, params: RequestValues): AgentTable<[number, number], unknown> {
  const type = String(params.type ?? '');
  const label = String(params.label ?? '');
  const wanted = label === '' ? undefined : (lexicalCastU32(label) ?? -1);
  return {
    name: 'db.mpls.0',
    size: router.mpls.size,
    entries: () => [...router.mpls].sort(([a], [b]) => a - b),
    filter: ([l, nhId]) => {
      // AgentMplsSandesh::Filter looks at the type only together with a label.
      if (wanted === undefined) return true;
      if (l !== wanted) return false;
      const nhType = router.nh.get(nhId)?.type;
      if (type === 'interface' && nhType !== 'interface') return false;
      if (type === 'composite' && nhType !== 'composite') return false;
      if (type === 'invalid' || type === 'vlan' || type === 'vrf') return false;
      return true;
    },
    update: ([l, nhId]) => mplsSandeshData(router, l, nhId),
    filterArgs: nonEmpty({ type, label }),
    resp: MplsResp as SandeshDef<never>,
    listField: 'mpls_list',
  };
}

function routeTable(
  router: VRouter,
  vrfIndex: number,
  prefix?: { ip: number; plen: number },
): AgentTable<ReturnType<VRouter['sortedRoutes']>[number], unknown> | undefined {
  const vrf = router.vrfById[vrfIndex];
  if (!vrf) return undefined;
  return {
    name: `${vrf.name}.uc.route.0`,
    size: vrf.routes.size,
    entries: () => router.sortedRoutes(vrf),
    filter: () => true,
    update: (route) =>
      !prefix || (route.prefix === prefix.ip >>> 0 && route.plen === prefix.plen)
        ? routeUcSandeshData(router, route)
        : null,
    // AgentInet4UcRtSandesh has no FilterToArgs.
    filterArgs: {},
    resp: Inet4UcRouteResp as SandeshDef<never>,
    listField: 'route_list',
  };
}

/** The table a PageReq key names, as AgentSandeshManager::Run finds it. */
function tableByName(
  router: VRouter,
  name: string,
  args: Map<string, string>,
): AgentTable<never, unknown> | undefined {
  const params: RequestValues = Object.fromEntries(args);
  switch (name) {
    case 'db.vrf.0':
      return vrfTable(router, args.get('name') ?? '') as AgentTable<never, unknown>;
    case 'db.nexthop.0':
      return nhTable(router, params) as unknown as AgentTable<never, unknown>;
    case 'db.interface.0':
      return interfaceTable(router, {
        ...params,
        ipv4_address: args.get('ipv4') ?? '',
        ipv6_address: args.get('ipv6') ?? '',
        parent_uuid: args.get('parent') ?? '',
        ip_active: args.get('ip-active') ?? '',
        ip6_active: args.get('ip6-active') ?? '',
        l2_active: args.get('l2-active') ?? '',
      }) as AgentTable<never, unknown>;
    case 'db.mpls.0':
      return mplsTable(router, params) as AgentTable<never, unknown>;
  }
  const m = /^(.*)\.uc\.route\.0$/.exec(name);
  const vrf = m ? router.vrfs.get(m[1]!) : undefined;
  if (vrf) return routeTable(router, vrf.id) as AgentTable<never, unknown>;
  return undefined;
}

function* pageRequest(router: VRouter, key: string): Generator<SandeshMessage> {
  const args = decodePageKey(key);
  const table = args.get('table');
  const begin = args.get('begin');
  const end = args.get('end');
  if (table === undefined || begin === undefined || end === undefined) {
    yield message(ErrorResp, { resp: 'Invalid request' });
    return;
  }
  const found = tableByName(router, table, args);
  if (!found) {
    yield message(ErrorResp, { resp: 'Invalid DBTable' });
    return;
  }
  yield* walkTable(found, strtoulBase0(begin), strtoulBase0(end));
}

// ---- kernel state --------------------------------------------------------------------------------

/** A kernel dump: batches of K_ENTRIES_PER_RESPONSE with more=true, the last with more=false. */
function* kernelDump<R>(
  resp: SandeshDef<never>,
  listField: string,
  rows: Iterable<R>,
): Generator<SandeshMessage> {
  let batch: R[] = [];
  for (const row of rows) {
    if (batch.length === K_ENTRIES_PER_RESPONSE) {
      yield { def: resp, record: { [listField]: batch }, more: true };
      batch = [];
    }
    batch.push(row);
  }
  yield { def: resp, record: { [listField]: batch }, more: false };
}

/** -ENOENT from the kernel: ErrResp with its default text. */
const notInKernel = () => message(ErrResp, defaults(ErrResp));
/** Any other kernel error (an index out of range, a VRF without a table): InternalErrResp. */
const kernelError = () => message(InternalErrResp, defaults(InternalErrResp));

/** The largest id each kernel table accepts (vRouter defaults: nexthops, interfaces, labels, VRFs). */
const MAX_NEXTHOPS = 524288;
const MAX_INTERFACES = 4352;
const MAX_LABELS = 5120;
const MAX_VRFS = 4096;

function* knh(router: VRouter, id: number): Generator<SandeshMessage> {
  if (id >= 0) {
    if (id >= MAX_NEXTHOPS) return yield kernelError();
    const nh = router.nh.get(id);
    return yield nh ? message(KNHResp, { nh_list: [knhRow(router, nh)] }) : notInKernel();
  }
  const ids = [...router.nh.values()].map((n) => n.id).sort((a, b) => a - b);
  yield* kernelDump(
    KNHResp as SandeshDef<never>,
    'nh_list',
    (function* () {
      for (const i of ids) {
        const nh = router.nh.get(i);
        if (nh) yield knhRow(router, nh);
      }
    })(),
  );
}

function* kinterface(router: VRouter, id: number): Generator<SandeshMessage> {
  if (id >= 0) {
    if (id >= MAX_INTERFACES) return yield kernelError();
    const vif = router.vifs.get(id);
    return yield vif ? message(KInterfaceResp, { if_list: [kifRow(router, vif)] }) : notInKernel();
  }
  const vifs = [...router.vifs.values()].sort((a, b) => a.index - b.index);
  yield* kernelDump(
    KInterfaceResp as SandeshDef<never>,
    'if_list',
    vifs.map((v) => kifRow(router, v)),
  );
}

function* kmpls(router: VRouter, label: number): Generator<SandeshMessage> {
  if (label >= 0) {
    if (label >= MAX_LABELS) return yield kernelError();
    const row = kmplsRows(router).find((r) => r.label === label);
    return yield row ? message(KMplsResp, { mpls_list: [row] }) : notInKernel();
  }
  yield* kernelDump(KMplsResp as SandeshDef<never>, 'mpls_list', kmplsRows(router));
}

function* kroute(router: VRouter, vrfId: number, family: string): Generator<SandeshMessage> {
  if (family !== 'inet' && family !== 'inet6' && family !== 'bridge') {
    yield message(ErrResp, { resp: 'Allowed options for family are inet, inet6, bridge' });
    return;
  }
  if (vrfId >= MAX_VRFS) return yield kernelError();
  // The bridge table holds no entries here (no MAC learning is modelled); there is no IPv6 table.
  if (family === 'bridge') return yield message(KRouteResp, { rt_list: [] });
  const vrf = router.vrfById[vrfId];
  if (family === 'inet6' || !vrf?.mtrie) return yield kernelError();
  yield* kernelDump(KRouteResp as SandeshDef<never>, 'rt_list', krouteRows(router, vrfId));
}

function* kvrfStats(router: VRouter, vrfIndex: number): Generator<SandeshMessage> {
  if (vrfIndex >= 0) {
    if (vrfIndex >= MAX_VRFS) return yield kernelError();
    const row = kvrfStatsRow(router, vrfIndex);
    return yield row ? message(KVrfStatsResp, { vrf_stats_list: [row] }) : notInKernel();
  }
  yield* kernelDump(
    KVrfStatsResp as SandeshDef<never>,
    'vrf_stats_list',
    router.vrfById.map((v) => kvrfStatsRow(router, v.id)!),
  );
}

// ---- flows ----------------------------------------------------------------------------------------

/** FlowKState::Run from `start`: 100 active flows and the handle of the next page ("0": done). */
function* kflows(router: VRouter, start: number, evicted: boolean): Generator<SandeshMessage> {
  const table = router.flows;
  const max = table.capacity;
  const list = [];
  let idx = start >>> 0;
  for (let i = table.nextActive(idx); i >= 0 && i < max; i = table.nextActive(idx)) {
    idx = i + 1;
    const row = kflowRow(router, i);
    if ((row.fe_flags ?? 0) & EVICTED_FLAG && !evicted) continue;
    list.push(row);
    if (list.length === K_ENTRIES_PER_RESPONSE) {
      const handle = idx !== max ? idx : 0;
      return yield message(KFlowResp, { flow_list: list, flow_handle: handleText(handle, evicted) });
    }
  }
  yield message(KFlowResp, { flow_list: list, flow_handle: handleText(0, evicted) });
}

/** VR_FLOW_FLAG_EVICTED. */
const EVICTED_FLAG = 0x0800;

const handleText = (idx: number, evicted: boolean) => (evicted ? `${idx} evicted_set` : String(idx));

function* kflowRequest(router: VRouter, flowIdx: number, showEvicted: boolean): Generator<SandeshMessage> {
  if (flowIdx !== -1) {
    const active = flowIdx >= 0 && flowIdx < router.flows.capacity && router.flows.isActive(flowIdx);
    return yield active
      ? message(KFlowResp, { flow_list: [kflowRow(router, flowIdx)], flow_handle: '' })
      : notInKernel();
  }
  yield* kflows(router, 0, showEvicted);
}

function* nextKFlow(router: VRouter, handle: string): Generator<SandeshMessage> {
  // FlowKState(iter_idx): stringToInteger (strtoul, base 10); " evicted_set" as a second token.
  const start = Number(BigInt.asUintN(32, strtoul(handle)));
  yield* kflows(router, start, handle.split(' ').length === 2);
}

function* fetchFlowRecord(router: VRouter, params: RequestValues): Generator<SandeshMessage> {
  const sip = tryParseIpv4(String(params.sip)) ?? 0;
  const dip = tryParseIpv4(String(params.dip)) ?? 0;
  const index = router.flows.lookup(
    Number(params.nh),
    sip,
    dip,
    Number(params.protocol) & 0xff,
    Number(params.src_port) & 0xffff,
    Number(params.dst_port) & 0xffff,
  );
  yield index >= 0
    ? message(FlowRecordResp, { record: sandeshFlowData(router, index) })
    : message(FlowErrorResp, defaults(FlowErrorResp));
}

/**
 * The agent's flow tables, each with its FlowMgmtManager (pkt/pkt_init.cc PktModule::Init makes
 * one per `FLOWS.thread_count`, default 1, cmn/agent.h kDefaultFlowThreadCount): the simulated
 * vRouter keeps its flows in one table.
 */
const FLOW_TABLES = 1;

/**
 * `istringstream >> x` into an unsigned field of `max`: leading blanks, then digits; nothing
 * readable is 0, a value past the type (a leading `-` wraps past it) is its largest value.
 */
function streamUnsigned(text: string, max: number): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d+)/.exec(text);
  if (!m) return 0;
  const value = BigInt(m[2]!);
  if (value === 0n) return 0;
  return m[1] === '-' || value > BigInt(max) ? max : Number(value);
}

/** StringToInetRouteFlowMgmtKey (pkt_sandesh_flow.cc): the table, VRF and route a key names, or null. */
export function parseFlowMgmtKey(
  key: string,
): { table: number; vrf: number; ip: number; plen: number } | null {
  // Exactly three kDelimiter ('-', pkt_sandesh_flow.h) or no key; std::getline splits on them.
  const parts = key.split('-');
  if (parts.length !== 4) return null;
  const table = streamUnsigned(parts[0]!, 0xffff);
  if (table >= FLOW_TABLES) return null;
  // IpAddress::from_string: an address that does not parse is no key (IPv6 is not modelled).
  const ip = tryParseIpv4(parts[2]!);
  if (ip === undefined) return null;
  return { table, vrf: streamUnsigned(parts[1]!, 0xffffffff), ip, plen: streamUnsigned(parts[3]!, 0xffff) };
}

/**
 * FlowsPerInetRouteFlowMgmtKeyReq: every flow the flow management files under the route (one
 * response, not paged). The tree is searched for the exact key, so the prefix must be the route's
 * subnet address.
 */
function* flowsPerRoute(router: VRouter, key: string): Generator<SandeshMessage> {
  const wanted = parseFlowMgmtKey(key);
  const flowList = [];
  if (wanted)
    for (const i of router.flows.activeIndexes())
      if (
        flowRouteKeys(router, i).some(
          (k) => k.vrf === wanted.vrf && k.prefix === wanted.ip && k.plen === wanted.plen,
        )
      )
        flowList.push(sandeshFlowData(router, i));
  yield message(FlowsPerInetRouteFlowMgmtKeyResp, { flow_list: flowList });
}

/**
 * SandeshFlowTableInfoRequest: flows now, created and deleted (AgentStats flow_created,
 * flow_aged: every delete), the most at once (max_flow_count), and per flow table the same. The
 * agent's FlowEntry allocator pool (`freelist_count`) is not modelled: 0.
 */
function flowTableInfo(router: VRouter): SandeshMessage {
  const t = router.flows;
  return message(SandeshFlowTableInfoResp, {
    flow_count: t.size,
    total_added: t.counters.created,
    total_deleted: t.counters.deleted,
    max_flows: t.peak,
    table_list: [
      {
        index: 0,
        count: t.size,
        total_add: t.counters.created,
        total_del: t.counters.deleted,
        freelist_count: 0,
      },
    ],
  });
}

// ---- the request table ------------------------------------------------------------------------------

interface Handler {
  readonly def: SandeshDef<never>;
  handle(target: IntrospectTarget, router: VRouter, params: RequestValues): Iterable<SandeshMessage>;
}

const handler = <R>(def: SandeshDef<R>, handle: Handler['handle']): Handler => ({
  def: def as unknown as SandeshDef<never>,
  handle,
});

/** Every request this introspect answers, by Sandesh name (the path is `/Snh_<name>`). */
export const REQUESTS: ReadonlyMap<string, Handler> = new Map([
  [
    'VrfListReq',
    handler(VrfListReq, (_t, r, p) => walkTable(vrfTable(r, String(p.name)), 0, ENTRIES_PER_PAGE - 1)),
  ],
  [
    'Inet4UcRouteReq',
    handler(Inet4UcRouteReq, function* (_t, r, p) {
      const src = String(p.src_ip);
      // Ip4Address::from_string with an error code: a malformed address is 0.0.0.0.
      const table = routeTable(
        r,
        Number(p.vrf_index),
        src === '' ? undefined : { ip: tryParseIpv4(src) ?? 0, plen: Number(p.prefix_len) & 0xff },
      );
      if (!table) return yield message(ErrorResp, defaults(ErrorResp));
      // `stale` is passed down but InetUnicastRouteEntry::DBEntrySandesh ignores it.
      yield* walkTable(table, 0, ENTRIES_PER_PAGE - 1);
    }),
  ],
  ['NhListReq', handler(NhListReq, (_t, r, p) => walkTable(nhTable(r, p), 0, ENTRIES_PER_PAGE - 1))],
  ['ItfReq', handler(ItfReq, (_t, r, p) => walkTable(interfaceTable(r, p), 0, ENTRIES_PER_PAGE - 1))],
  ['MplsReq', handler(MplsReq, (_t, r, p) => walkTable(mplsTable(r, p), 0, ENTRIES_PER_PAGE - 1))],
  ['PageReq', handler(PageReq, (_t, r, p) => pageRequest(r, String(p.key)))],
  ['KNHReq', handler(KNHReq, (_t, r, p) => knh(r, Number(p.nh_id)))],
  ['KInterfaceReq', handler(KInterfaceReq, (_t, r, p) => kinterface(r, Number(p.if_id)))],
  ['KRouteReq', handler(KRouteReq, (_t, r, p) => kroute(r, Number(p.vrf_id), String(p.family)))],
  ['KMplsReq', handler(KMplsReq, (_t, r, p) => kmpls(r, Number(p.mpls_label)))],
  ['KVrfStatsReq', handler(KVrfStatsReq, (_t, r, p) => kvrfStats(r, Number(p.vrf_index)))],
  ['KDropStatsReq', handler(KDropStatsReq, (_t, r) => [message(KDropStatsResp, kdropStats(r))])],
  [
    'KFlowReq',
    handler(KFlowReq, (t, r, p) => {
      r.flows.expireAll(t.now());
      return kflowRequest(r, Number(p.flow_idx), p.show_evicted === true);
    }),
  ],
  [
    'NextKFlowReq',
    handler(NextKFlowReq, (t, r, p) => {
      r.flows.expireAll(t.now());
      return nextKFlow(r, String(p.flow_handle));
    }),
  ],
  [
    'FetchFlowRecord',
    handler(FetchFlowRecord, (t, r, p) => {
      r.flows.expireAll(t.now());
      return fetchFlowRecord(r, p);
    }),
  ],
  [
    'FlowsPerInetRouteFlowMgmtKeyReq',
    handler(FlowsPerInetRouteFlowMgmtKeyReq, (t, r, p) => {
      r.flows.expireAll(t.now());
      return flowsPerRoute(r, String(p.key));
    }),
  ],
  [
    'SandeshFlowTableInfoRequest',
    handler(SandeshFlowTableInfoRequest, (t, r) => {
      r.flows.expireAll(t.now());
      return [flowTableInfo(r)];
    }),
  ],
  [
    'AgentXmppConnectionStatusReq',
    handler(AgentXmppConnectionStatusReq, (t, r) => [
      message(AgentXmppConnectionStatus, { peer: [agentXmppData(r, t.controlNode(), t.connectedSince())] }),
    ]),
  ],
]);

/** The messages answering `/Snh_<name>?<query>`, or undefined for a name that is not a request. */
export function answer(
  target: IntrospectTarget,
  name: string,
  query: string,
): Iterable<SandeshMessage> | undefined {
  const h = REQUESTS.get(name);
  const router = target.router();
  if (!h || !router) return undefined;
  return h.handle(target, router, parseRequestParams(h.def, query));
}
