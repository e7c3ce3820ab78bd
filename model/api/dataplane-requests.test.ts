import { describe, expect, expectTypeOf, it } from 'vitest';
import type { TraceRequest, TrafficRequest } from '../dataplane/types.ts';
import {
  MAX_TRAFFIC_FLOWS,
  nexthopParamsSchema,
  nhCliQuerySchema,
  nodeParamsSchema,
  traceRequestSchema,
  trafficRequestSchema,
  vrfQuerySchema,
  type TraceRequestBody,
  type TrafficRequestBody,
} from './dataplane-requests.ts';
import { parseInput } from './validation.ts';

const TRACE = { from: 'ns-user-1/client', to: '10.105.53.64', protocol: 'TCP', port: 8888 };

function refused(schema: Parameters<typeof parseInput>[0], value: unknown, place: 'body' | 'query' | 'path') {
  const result = parseInput(schema, value, place);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.message;
}

describe('traceRequestSchema', () => {
  it('parses a trace, upper-casing the protocol', () => {
    expect(
      traceRequestSchema.parse({ ...TRACE, protocol: 'tcp', sourcePort: 40000, tcpFlag: 'SYN' }),
    ).toEqual({
      ...TRACE,
      sourcePort: 40000,
      tcpFlag: 'SYN',
    });
  });

  it('describes the request the dataplane takes', () => {
    expectTypeOf<TraceRequestBody>().toExtend<TraceRequest>();
    expectTypeOf<TrafficRequestBody>().toExtend<TrafficRequest>();
  });

  it.each([
    [{ ...TRACE, from: 'client' }, 'body.from: must be "<namespace>/<pod>" (got "client")'],
    [
      { ...TRACE, to: '010.105.053.064' },
      'body.to: must be an IPv4 address (four decimal octets, no leading zeros) (got "010.105.053.064")',
    ],
    [{ ...TRACE, protocol: 'ICMP' }, 'body.protocol: must be "TCP" or "UDP" (got "ICMP")'],
    [{ ...TRACE, protocol: 6 }, 'body.protocol: must be "TCP" or "UDP" (got 6)'],
    [{ ...TRACE, port: 0 }, 'body.port: must be an integer from 1 to 65535 (got 0)'],
    [{ ...TRACE, port: '8888' }, 'body.port: must be an integer from 1 to 65535 (got "8888")'],
    [{ ...TRACE, sourcePort: 65536 }, 'body.sourcePort: must be an integer from 1 to 65535 (got 65536)'],
    [{ ...TRACE, tcpFlag: 'PSH' }, 'body.tcpFlag: must be one of SYN, ACK, FIN, RST (got "PSH")'],
    [{ from: TRACE.from, to: TRACE.to, protocol: 'TCP' }, 'body.port: is required'],
    [{ ...TRACE, extra: true }, 'body: unknown field "extra"'],
    ['from=x', 'body: must be a JSON object (got "from=x")'],
  ])('refuses %j', (body, message) => {
    expect(refused(traceRequestSchema, body, 'body')).toBe(message);
  });
});

describe('trafficRequestSchema', () => {
  const TRAFFIC = { ...TRACE, flows: 100 };

  it('takes one client or several', () => {
    expect(trafficRequestSchema.parse(TRAFFIC).from).toBe('ns-user-1/client');
    expect(
      trafficRequestSchema.parse({ ...TRAFFIC, from: ['a/b', 'a/c'], firstSourcePort: 2000 }),
    ).toMatchObject({
      from: ['a/b', 'a/c'],
      firstSourcePort: 2000,
    });
  });

  it.each([
    [{ ...TRAFFIC, flows: 0 }, `body.flows: must be an integer from 1 to ${MAX_TRAFFIC_FLOWS} (got 0)`],
    [
      { ...TRAFFIC, flows: MAX_TRAFFIC_FLOWS + 1 },
      `body.flows: must be an integer from 1 to ${MAX_TRAFFIC_FLOWS} (got 1000001)`,
    ],
    [{ ...TRAFFIC, from: [] }, 'body.from: must name at least one pod (got [])'],
    [{ ...TRAFFIC, from: ['a/b', 'oops'] }, /^body\.from(\[1\])?: must be "<namespace>\/<pod>"/],
    [{ ...TRAFFIC, from: 7 }, 'body.from: must be "<namespace>/<pod>" or a list of them (got 7)'],
    [
      { ...TRAFFIC, firstSourcePort: -1 },
      'body.firstSourcePort: must be an integer from 1 to 65535 (got -1)',
    ],
    [TRACE, 'body.flows: is required'],
  ])('refuses %j', (body, message) => {
    expect(refused(trafficRequestSchema, body, 'body')).toMatch(message);
  });
});

describe('selectors', () => {
  it('node, next hop and VRF selectors parse', () => {
    expect(nodeParamsSchema.parse({ node: 'k8s-node1' })).toEqual({ node: 'k8s-node1' });
    expect(nexthopParamsSchema.parse({ node: 'k8s-node1', id: '42' })).toEqual({ node: 'k8s-node1', id: 42 });
    expect(
      vrfQuerySchema.parse({
        vrf: 'default-domain:k8s-default:k8s-default-pod-network:k8s-default-pod-network',
      }),
    ).toBeTruthy();
    expect(nhCliQuerySchema.parse({})).toEqual({});
    expect(nhCliQuerySchema.parse({ id: '0' })).toEqual({ id: 0 });
  });

  it.each([
    [
      nodeParamsSchema,
      { node: 'K8S_NODE' },
      'path',
      'path.node: must be a node name (a DNS-1123 subdomain) (got "K8S_NODE")',
    ],
    [
      nexthopParamsSchema,
      { node: 'n1', id: '-1' },
      'path',
      'path.id: must be an integer from 0 to 2147483647 (got "-1")',
    ],
    [
      nexthopParamsSchema,
      { node: 'n1', id: '1.5' },
      'path',
      'path.id: must be an integer from 0 to 2147483647 (got "1.5")',
    ],
    [vrfQuerySchema, {}, 'query', 'query.vrf: is required'],
    [vrfQuerySchema, { vrf: '' }, 'query', 'query.vrf: must be a VRF id or name (got "")'],
    [
      nhCliQuerySchema,
      { id: 'all' },
      'query',
      'query.id: must be an integer from 0 to 2147483647 (got "all")',
    ],
    [nhCliQuerySchema, { nh: '1' }, 'query', 'query: unknown field "nh"'],
  ] as const)('%# refuses %j', (schema, value, place, message) => {
    expect(refused(schema, value, place)).toBe(message);
  });
});
