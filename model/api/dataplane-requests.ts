// What /api/dataplane/* accepts: the trace and traffic bodies, the compute, VRF and next-hop
// selectors. Types derive from the schemas (they match model/dataplane/types.ts TraceRequest and
// TrafficRequest, checked by the tests); routes parse with them before any domain call. Pure.

import { z } from 'zod';
import { isDnsSubdomain } from '../kubernetes/names.ts';
import { expects, integer, integerText, ipv4, podKey, strictObject } from './validation.ts';

/** The traffic generator's ceiling per request. */
export const MAX_TRAFFIC_FLOWS = 1_000_000;

const port = integer(1, 65535);

/** A transport the vRouter hashes ports for; case-insensitive in, upper-case out. */
const protocol = z
  .string({ error: expects('must be "TCP" or "UDP"') })
  .transform((text) => text.toUpperCase())
  .pipe(z.enum(['TCP', 'UDP'], { error: 'must be "TCP" or "UDP"' }));

const tcpFlag = z.enum(['SYN', 'ACK', 'FIN', 'RST'], { error: 'must be one of SYN, ACK, FIN, RST' });

/** POST /api/dataplane/trace. */
export const traceRequestSchema = strictObject({
  from: podKey,
  to: ipv4,
  protocol,
  port,
  sourcePort: port.optional(),
  tcpFlag: tcpFlag.optional(),
});
export type TraceRequestBody = z.infer<typeof traceRequestSchema>;

/** POST /api/dataplane/traffic: `flows` flows spread over one or more client pods. */
export const trafficRequestSchema = strictObject({
  from: z.union([podKey, z.array(podKey).min(1, { error: 'must name at least one pod' })], {
    error: expects('must be "<namespace>/<pod>" or a list of them'),
  }),
  to: ipv4,
  protocol,
  port,
  flows: integer(1, MAX_TRAFFIC_FLOWS),
  firstSourcePort: port.optional(),
  sourcePorts: z.enum(['sequential', 'random'], { error: 'must be "sequential" or "random"' }).optional(),
});
export type TrafficRequestBody = z.infer<typeof trafficRequestSchema>;

/** `:node` — a compute's Kubernetes node name. */
export const nodeParamsSchema = strictObject(
  {
    node: z
      .string({ error: expects('must be a node name') })
      .refine(isDnsSubdomain, { error: 'must be a node name (a DNS-1123 subdomain)' }),
  },
  'a path with a node name',
);

/** `:node/nexthops/:id` — a next-hop id is the agent's non-negative integer index. */
export const nexthopParamsSchema = strictObject(
  { ...nodeParamsSchema.shape, id: integerText(0, 2 ** 31 - 1) },
  'a path with a node name and a next-hop id',
);

/** `?vrf=` — a VRF by its index (digits) or by its routing-instance name; required. */
export const vrfQuerySchema = strictObject(
  {
    vrf: z
      .string({ error: expects('must be a VRF id or name') })
      .min(1, { error: 'must be a VRF id or name' })
      .max(1024, { error: 'must be at most 1024 characters' }),
  },
  'a query string',
);

/** `?id=` of `cli/nh` — one next hop (`nh --get <id>`), or every one (`nh --list`) when absent. */
export const nhCliQuerySchema = strictObject(
  { id: integerText(0, 2 ** 31 - 1).optional() },
  'a query string',
);
