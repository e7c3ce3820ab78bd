// Row shapes of the UI server's /api/explorer/* answers: the load balancer grid and one tree level
// per request. Written by server/ui-server/routes/explorer.ts, read by web/api/explorer.ts; types only.

/** A listener as the grid shows it: `protocol:port`. */
export interface ListenerSummary {
  uuid: string;
  protocol: string | null;
  port: number | null;
}

/** Fields every row carries: identity and names as the config API spells them. */
export interface RowEnvelope {
  uuid: string;
  name: string;
  displayName: string;
  fqName: string[];
}

export interface LoadBalancerRow extends RowEnvelope {
  namespace: string | null;
  vip: string | null;
  provider: string | null;
  listeners: ListenerSummary[];
  membersUp: number;
  membersTotal: number;
  operatingStatus: string | null;
  provisioningStatus: string | null;
  adminState: boolean;
}

export interface ListenerRow extends RowEnvelope {
  loadbalancerUuid: string | null;
  protocol: string | null;
  port: number | null;
  portName: string | null;
  connectionLimit: number | null;
  adminState: boolean;
  pools: { uuid: string; name: string }[];
  membersTotal: number;
}

export interface PoolRow extends RowEnvelope {
  listenerUuid: string | null;
  protocol: string | null;
  method: string | null;
  sessionPersistence: string | null;
  adminState: boolean;
  membersUp: number;
  membersTotal: number;
}

export interface MemberRow extends RowEnvelope {
  poolUuid: string | null;
  targetPort: number | null;
  weight: number | null;
  address: string | null;
  status: string | null;
  adminState: boolean;
  isUp: boolean;
  pod: { uuid: string; name: string | null; namespace: string | null } | null;
  node: string | null;
  podIp: string | null;
  vmi: { uuid: string; name: string } | null;
}

/** GET /api/explorer/loadbalancers: one page of grid rows, the total, and the next page's marker. */
export interface LoadBalancerPage {
  loadbalancers: LoadBalancerRow[];
  total: number;
  marker: string | null;
}
