// The bodies and queries the /api/dataplane routes accept, as zod schemas with the messages a
// user sees, and the types derived from them. Shared by the UI server (parses) and the SPA.

import { z } from 'zod';
import { isIpv4 } from '@model/net/ipv4.ts';

const port = (name: string) =>
  z
    .number({ error: `"${name}" must be an integer 1-65535` })
    .int(`"${name}" must be an integer 1-65535`)
    .min(1, `"${name}" must be an integer 1-65535`)
    .max(65535, `"${name}" must be an integer 1-65535`);

const podKey = z
  .string({ error: '"from" must be "<namespace>/<pod>"' })
  .regex(/^[^/\s]+\/[^/\s]+$/, '"from" must be "<namespace>/<pod>"');

const target = {
  to: z.string({ error: '"to" must be an IPv4 address' }).refine(isIpv4, '"to" must be an IPv4 address'),
  protocol: z
    .string({ error: '"protocol" must be "TCP" or "UDP"' })
    .transform((p) => p.toUpperCase())
    .pipe(z.enum(['TCP', 'UDP'], { error: '"protocol" must be "TCP" or "UDP"' })),
  port: port('port'),
};

export const TraceRequestSchema = z.object({
  from: podKey,
  ...target,
  sourcePort: port('sourcePort').optional(),
  tcpFlag: z
    .enum(['SYN', 'ACK', 'FIN', 'RST'], { error: '"tcpFlag" must be one of SYN, ACK, FIN, RST' })
    .optional(),
});

export const MAX_TRAFFIC_FLOWS = 1_000_000;

export const TrafficRequestSchema = z.object({
  from: z
    .union([podKey, z.array(podKey).min(1, '"from" must name at least one pod')], {
      error: '"from" must be "<namespace>/<pod>" or a list of them',
    })
    .transform((f) => (Array.isArray(f) ? f : [f])),
  ...target,
  flows: z
    .number({ error: `"flows" must be an integer 1-${MAX_TRAFFIC_FLOWS}` })
    .int(`"flows" must be an integer 1-${MAX_TRAFFIC_FLOWS}`)
    .min(1, `"flows" must be an integer 1-${MAX_TRAFFIC_FLOWS}`)
    .max(MAX_TRAFFIC_FLOWS, `"flows" must be an integer 1-${MAX_TRAFFIC_FLOWS}`),
  firstSourcePort: port('firstSourcePort').optional(),
  sourcePorts: z
    .enum(['sequential', 'random'], { error: '"sourcePorts" must be "sequential" or "random"' })
    .optional(),
});

export type ParsedTraceRequest = z.infer<typeof TraceRequestSchema>;
export type ParsedTrafficRequest = z.infer<typeof TrafficRequestSchema>;

/** `limit` + `cursor` paging of a list route; the cursor is the index to start from. */
export const PageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: '"limit" must be an integer 1-10000' })
    .int('"limit" must be an integer 1-10000')
    .min(1, '"limit" must be an integer 1-10000')
    .max(10_000, '"limit" must be an integer 1-10000')
    .optional(),
  cursor: z.coerce
    .number({ error: '"cursor" must be a non-negative integer' })
    .int('"cursor" must be a non-negative integer')
    .min(0, '"cursor" must be a non-negative integer')
    .optional(),
});

export type PageQuery = z.infer<typeof PageQuerySchema>;

/** `/nexthops`: paging, and `type` (the agent's NhListReq type names). */
export const NexthopQuerySchema = PageQuerySchema.extend({
  type: z
    .enum(['discard', 'receive', 'interface', 'tunnel', 'composite'], {
      error: '"type" must be one of discard, receive, interface, tunnel, composite',
    })
    .optional(),
});

/** `/routes`: paging, and `prefix`, the start of the destination address (`10.47.`). */
export const RouteQuerySchema = PageQuerySchema.extend({
  prefix: z
    .string()
    .regex(/^[0-9.]{1,15}$/, '"prefix" must be the start of an IPv4 address, e.g. 10.47.')
    .optional(),
});

/** `/flows`: paging, and flows with this address or port on either side. */
export const FlowQuerySchema = PageQuerySchema.extend({
  ip: z.string().refine(isIpv4, '"ip" must be an IPv4 address').optional(),
  port: z.coerce
    .number({ error: '"port" must be an integer 0-65535' })
    .int('"port" must be an integer 0-65535')
    .min(0, '"port" must be an integer 0-65535')
    .max(65535, '"port" must be an integer 0-65535')
    .optional(),
});

/** The first problem of a failed parse as one sentence (its message names the field). */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid request';
}
