// What the UI server's dataplane views answer, built from each compute's agent introspect (a real
// cluster's or the simulation's, one code path) and the config API: the computes and whether they
// answer, server-paged and filtered tables with names beside addresses, a VIP's ECMP topology
// across every compute, a trace that predicts and observes, and the per-load-balancer consistency
// check. Record fields keep the agent's introspect names (model/dataplane/types.ts). Types and
// query schemas only.

import { z } from 'zod';
import type {
  ItfSandeshData,
  KFlowInfo,
  NhSandeshData,
  RouteUcSandeshData,
  TraceFlow,
  TraceMember,
  TraceRequest,
  TraceResult,
} from '../dataplane/types.ts';
import { nhCliQuerySchema, traceRequestSchema, vrfQuerySchema } from './dataplane-requests.ts';
import { expects, integerText, ipv4, strictObject } from './validation.ts';

// ---- computes --------------------------------------------------------------------------------

/**
 * A compute the explorer knows of: from the config API's `virtual-router` objects (introspect at
 * `http://<virtual_router_ip_address>:8085`), or from `VROUTER_INTROSPECT`, or registered by the
 * embedded simulation. A compute that does not answer is listed, unreachable, with the reason.
 */
export interface ComputeState {
  name: string;
  /** `virtual_router_ip_address` (vhost0). */
  ip: string;
  /** The introspect base URL the UI server reads (never credentials). */
  introspect: string;
  reachable: boolean;
  /** Why the last read failed (`connect ECONNREFUSED`, `timed out after 5000 ms`, `HTTP 500`). */
  error: string | null;
  /** When the figures were read from the agent (ISO 8601). */
  asOf: string | null;
  /** The sizes of its tables as the agent counts them; null while unreachable. */
  summary: ComputeSummary | null;
}

/**
 * A compute's table sizes (each table's `Pagination` `table_size`). Flow counts and the flow
 * table's capacity and counters are the kernel's (`flow -l`), which the agent's introspect does
 * not report, so a real compute cannot give them.
 */
export interface ComputeSummary {
  vrfs: number;
  interfaces: number;
  nexthops: number;
}

/** GET /api/dataplane/vrouters. */
export interface ComputeList {
  vrouters: ComputeState[];
}

// ---- names beside addresses ----------------------------------------------------------------------

/** What an address, next hop or interface is, resolved from the config API (and the cluster). */
export interface EntityNames {
  /** `<namespace>/<pod>` of a pod interface or member. */
  pod?: string;
  /** `<namespace>/<service>` whose VIP (or member) this is. */
  service?: string;
  /** The Service's VIP. */
  vip?: string;
  /** The loadbalancer uuid (= the Service uid). */
  lb?: string;
  /** The compute a tunnel leads to, or an interface lives on. */
  node?: string;
  /** The pod VMI uuid. */
  vmi?: string;
}

/** One table row: the agent's record as introspect gives it, and what it is. */
export interface Annotated<T> {
  record: T;
  names: EntityNames;
}

// ---- server-paged tables ----------------------------------------------------------------------------

/** One page of a table read from a compute: never the whole table, whatever its size. */
export interface Page<T> {
  items: Annotated<T>[];
  /**
   * Rows in the table; null when the page was read without walking the whole table (the flow
   * table, unfiltered in index order: the agent's first pages only).
   */
  total: number | null;
  /** Rows that pass the filters; null when `total` is. */
  matched: number | null;
  /** Give it back as `cursor` for the next page; null on the last one. */
  cursor: string | null;
  /** When the table was read from the agent (ISO 8601). */
  asOf: string;
}

export type RoutePage = Page<RouteUcSandeshData>;
export type NexthopPage = Page<NhSandeshData>;
export type InterfacePage = Page<ItfSandeshData>;
export type FlowPage = Page<KFlowInfo>;

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 200;

const pageFields = {
  limit: integerText(1, MAX_PAGE_LIMIT).optional(),
  /** An opaque cursor from the previous page. */
  cursor: z
    .string({ error: expects('must be a cursor from a previous page') })
    .max(256)
    .optional(),
  /** Free text: every word must appear in the row (addresses, names, type, flags). */
  q: z
    .string({ error: expects('must be text') })
    .max(256)
    .optional(),
  order: z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' }).optional(),
};

/** `?vrf=&prefix=&nh=&q=&sort=&limit=&cursor=` of the routes table. */
export const routePageQuerySchema = strictObject(
  {
    ...pageFields,
    /** A VRF by index or routing-instance name. */
    vrf: z
      .string({ error: expects('must be a VRF id or name') })
      .min(1)
      .max(1024),
    /** An address (the routes covering it) or `a.b.c.d/len` (the routes inside it). */
    prefix: z
      .string({ error: expects('must be an IPv4 address or prefix') })
      .max(18)
      .optional(),
    nh: integerText(0, 2 ** 31 - 1).optional(),
    sort: z.enum(['prefix', 'nh'], { error: 'must be "prefix" or "nh"' }).optional(),
  },
  'a query string',
);

/** `?type=&vip=&q=&sort=&limit=&cursor=` of the next-hop table. */
export const nexthopPageQuerySchema = strictObject(
  {
    ...pageFields,
    type: z
      .enum(['composite', 'interface', 'tunnel', 'receive', 'discard', 'resolve', 'vrf'], {
        error: 'must be a next-hop type (composite, interface, tunnel, receive, discard, resolve, vrf)',
      })
      .optional(),
    /** Only the composites and members behind this VIP. */
    vip: ipv4.optional(),
    sort: z.enum(['id', 'type', 'refcount'], { error: 'must be "id", "type" or "refcount"' }).optional(),
  },
  'a query string',
);

/** `?q=&limit=&cursor=` of the interface table. */
export const interfacePageQuerySchema = strictObject({ ...pageFields }, 'a query string');

/** `?vip=&ip=&port=&pod=&service=&q=&sort=&limit=&cursor=` of the flow table. */
export const flowPageQuerySchema = strictObject(
  {
    ...pageFields,
    vip: ipv4.optional(),
    /** Either end's address. */
    ip: ipv4.optional(),
    /** Either end's port. */
    port: integerText(0, 65535).optional(),
    /** `<namespace>/<pod>`: flows from or to its address. */
    pod: z.string().max(300).optional(),
    /** `<namespace>/<service>`: flows to its VIP (or their reverse). */
    service: z.string().max(300).optional(),
    sort: z
      .enum(['index', 'packets', 'bytes'], { error: 'must be "index", "packets" or "bytes"' })
      .optional(),
  },
  'a query string',
);

export type RoutePageQuery = z.infer<typeof routePageQuerySchema>;
export type NexthopPageQuery = z.infer<typeof nexthopPageQuerySchema>;
export type InterfacePageQuery = z.infer<typeof interfacePageQuerySchema>;
export type FlowPageQuery = z.infer<typeof flowPageQuerySchema>;

// ---- a VIP across the cluster ---------------------------------------------------------------------

/** One slot of an ECMP composite as the agent programs it (`mc_list`), with what it leads to. */
export type TopologySlot =
  | { slot: number; kind: 'hole' }
  | {
      slot: number;
      kind: 'interface';
      nhId: number;
      /** The member VMI's MPLS label. */
      label: number;
      /** The tap interface. */
      itf: string;
      names: EntityNames;
      /** The pool member this pod is (uuid), when one matches. */
      member: string | null;
      /** Flows to the VIP this compute sent through the slot, and their share of the compute's. */
      flows: number;
      share: number;
    }
  | {
      slot: number;
      kind: 'tunnel';
      nhId: number;
      /** The label the remote compute advertised: a member VMI's, or its local-ECMP label. */
      label: number;
      /** The remote compute's vhost0 address, and its name. */
      dip: string;
      node: string | null;
      /** The label leads to the remote compute's local ECMP composite (≥ 2 local backends). */
      localEcmp: boolean;
      flows: number;
      share: number;
    };

export interface TopologyComposite {
  nhId: number;
  slots: TopologySlot[];
  /** The hash fields programmed for it (`nh --get` Valid Hash Key Parameters), agent names. */
  hashFields: string[];
}

/** The VIP on one compute: its route in the pod VRF, the composite, and the local composite. */
export interface ComputeTopology {
  node: string;
  ip: string;
  reachable: boolean;
  error: string | null;
  /** VIP/32 in the compute's pod-network VRF; null when the compute has no route for it. */
  route: { vrf: string; nhId: number; nhType: string } | null;
  /** The composite the route points at (null when it points at a single next hop). */
  composite: TopologyComposite | null;
  /** The local-ECMP composite behind this compute's local-ECMP label, when it has ≥ 2 backends. */
  localComposite: (TopologyComposite & { label: number }) | null;
  /** Flows to the VIP in this compute's table. */
  flows: number;
}

/** GET /api/dataplane/topology?vip=&port= (or ?lb=<uuid>). */
export interface VipTopology {
  vip: string;
  port: number | null;
  lb: { uuid: string; displayName: string } | null;
  /** The effective ECMP hash fields (agent names), null for the default 5-tuple. */
  hashFields: string[] | null;
  computes: ComputeTopology[];
  asOf: string;
}

export const topologyQuerySchema = strictObject(
  {
    vip: ipv4.optional(),
    port: integerText(1, 65535).optional(),
    lb: z.string().max(64).optional(),
  },
  'a query string',
).refine((q) => q.vip !== undefined || q.lb !== undefined, {
  error: 'must name a VIP (vip=<address>) or a load balancer (lb=<uuid>)',
});

// ---- trace: predicted from introspect, simulated in the embedded cluster, observed in flows --------

export type TraceMode = 'predicted' | 'simulated';

/** POST /api/dataplane/trace: today's request plus the mode (default: `simulated` when embedded). */
export interface TraceViewRequest extends TraceRequest {
  mode?: TraceMode;
}

/** The flow found in the computes' flow tables for the traced 5-tuple. */
export interface ObservedTrace {
  node: string;
  flows: TraceFlow[];
  member: TraceMember | null;
}

export interface TraceView extends TraceResult {
  mode: TraceMode;
  /** The flow for that 5-tuple when one exists in a compute's table, else null. */
  observed: ObservedTrace | null;
  /** Whether the observed flow went to the member the trace names (null: nothing observed). */
  agrees: boolean | null;
}

export const traceModeSchema = z.enum(['predicted', 'simulated'], {
  error: 'must be "predicted" or "simulated"',
});

/** POST /api/dataplane/trace: the trace request and its mode. */
export const traceViewRequestSchema = strictObject({
  ...traceRequestSchema.shape,
  mode: traceModeSchema.optional(),
});

/** `?limit=&cursor=` of the long vRouter utility texts (`rt`, `nh --list`, `flow -l`): rows from the `cursor`-th; the next cursor is in `x-next-cursor`. */
export const cliPageFields = {
  limit: integerText(1, 100_000).optional(),
  cursor: integerText(0, 2 ** 31 - 1).optional(),
};

/** `?vrf=&limit=&cursor=` of `cli/rt`. */
export const rtCliQuerySchema = strictObject({ ...vrfQuerySchema.shape, ...cliPageFields }, 'a query string');
/** `?id=&limit=&cursor=` of `cli/nh`: one next hop (`nh --get`), or a page of `nh --list`. */
export const nhCliPageQuerySchema = strictObject(
  { ...nhCliQuerySchema.shape, ...cliPageFields },
  'a query string',
);
/** `?limit=&cursor=` of `cli/flow`. */
export const flowCliQuerySchema = strictObject({ ...cliPageFields }, 'a query string');
/** `?vrf=` of `cli/vrfstats` (`--get <vrf>`; `--dump` without it). */
export const vrfstatsCliQuerySchema = strictObject(
  { vrf: vrfQuerySchema.shape.vrf.optional() },
  'a query string',
);

/** The name of the response header carrying the next cursor of a paged vRouter utility text. */
export const CLI_NEXT_CURSOR_HEADER = 'x-next-cursor';

// ---- consistency: Endpoints → members → floating-ip → routes → next hops --------------------------

export type ConsistencyLayer = 'endpoints' | 'members' | 'floating-ip' | 'route' | 'nexthop';

export interface ConsistencyProblem {
  layer: ConsistencyLayer;
  node?: string;
  /** The first broken link, in words: "pod webserver-2 is ready but has no member in pool …". */
  message: string;
}

/** A layer that could not be read (a compute down, no Kubernetes API), and why. */
export interface UncheckedLayer {
  layer: ConsistencyLayer;
  node?: string;
  reason: string;
}

/** GET /api/consistency/<lb-uuid>, and each entry of GET /api/consistency. */
export interface LbConsistency {
  uuid: string;
  displayName: string;
  /** True only when every layer was read and no link is broken. */
  consistent: boolean;
  /** The broken links in chain order: the first is the first broken link. */
  problems: ConsistencyProblem[];
  /** The layers this load balancer's check could not read (so `consistent` is false). */
  unchecked: UncheckedLayer[];
}

export interface ConsistencyReport {
  loadbalancers: LbConsistency[];
  /** Layers that could not be read (a compute down, no Kubernetes API): checked without them. */
  unchecked: UncheckedLayer[];
  asOf: string;
}

// ---- what the UI server can do here ------------------------------------------------------------------

/** Part of GET /api/info: which controls exist (the simulation's, or a real cluster's). */
export interface Capabilities {
  /** POST /api/dataplane/traffic and trace mode `simulated`: the embedded simulation only. */
  simulate: boolean;
  /** Scale Deployments through the Kubernetes API. */
  scale: boolean;
  /** Flip a pod's readiness (the embedded cluster's pods only: a real kubelet owns it). */
  readiness: boolean;
  /** PUT /api/cluster/kube-manager: pause the embedded kube-manager. */
  pauseKubeManager: boolean;
}
