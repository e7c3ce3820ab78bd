import { describe, expect, it } from 'vitest';
import {
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
} from './dataplane-views.ts';
import { parseInput } from './validation.ts';

// Every query and body of the dataplane views refuses bad input with the field, the rule and the
// value, and takes good input as the routes use it (numbers from query text).

type Schema = Parameters<typeof parseInput>[0];

function refused(schema: Schema, value: unknown, place: 'body' | 'query') {
  const result = parseInput(schema, value, place);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.message;
}

const TRACE = { from: 'ns-user-1/client', to: '10.105.53.64', protocol: 'TCP', port: 8888 };
const IPV4 = 'must be an IPv4 address (four decimal octets, no leading zeros)';

describe('the dataplane views refuse bad queries and bodies', () => {
  it.each<[string, Schema, unknown, string]>([
    [
      'routes: a limit of 0',
      routePageQuerySchema,
      { vrf: '2', limit: '0' },
      'query.limit: must be an integer from 1 to 1000 (got "0")',
    ],
    ['routes: no VRF', routePageQuerySchema, {}, 'query.vrf: is required'],
    [
      'routes: an unknown sort',
      routePageQuerySchema,
      { vrf: '2', sort: 'size' },
      'query.sort: must be "prefix" or "nh" (got "size")',
    ],
    [
      'routes: an unknown field',
      routePageQuerySchema,
      { vrf: '2', colour: 'red' },
      'query: unknown field "colour"',
    ],
    [
      'next hops: an unknown type',
      nexthopPageQuerySchema,
      { type: 'ecmp' },
      'query.type: must be a next-hop type (composite, interface, tunnel, receive, discard, resolve, vrf) (got "ecmp")',
    ],
    [
      'next hops: a bad VIP',
      nexthopPageQuerySchema,
      { vip: '10.0.0.256' },
      `query.vip: ${IPV4} (got "10.0.0.256")`,
    ],
    [
      'interfaces: an unknown order',
      interfacePageQuerySchema,
      { order: 'up' },
      'query.order: must be "asc" or "desc" (got "up")',
    ],
    [
      'interfaces: a limit over 1000',
      interfacePageQuerySchema,
      { limit: '1001' },
      'query.limit: must be an integer from 1 to 1000 (got "1001")',
    ],
    [
      'flows: a port over 65535',
      flowPageQuerySchema,
      { port: '70000' },
      'query.port: must be an integer from 0 to 65535 (got "70000")',
    ],
    [
      'flows: an address with leading zeros',
      flowPageQuerySchema,
      { ip: '010.1.1.1' },
      `query.ip: ${IPV4} (got "010.1.1.1")`,
    ],
    [
      'flows: an unknown sort',
      flowPageQuerySchema,
      { sort: 'age' },
      'query.sort: must be "index", "packets" or "bytes" (got "age")',
    ],
    [
      'topology: neither VIP nor LB',
      topologyQuerySchema,
      {},
      'query: must name a VIP (vip=<address>) or a load balancer (lb=<uuid>)',
    ],
    [
      'topology: port 0',
      topologyQuerySchema,
      { vip: '10.96.0.1', port: '0' },
      'query.port: must be an integer from 1 to 65535 (got "0")',
    ],
    [
      'rt: a limit of 0',
      rtCliQuerySchema,
      { vrf: '2', limit: '0' },
      'query.limit: must be an integer from 1 to 100000 (got "0")',
    ],
    [
      'nh: a negative cursor',
      nhCliPageQuerySchema,
      { cursor: '-1' },
      'query.cursor: must be an integer from 0 to 2147483647 (got "-1")',
    ],
    ['flow -l: an unknown field', flowCliQuerySchema, { lines: '3' }, 'query: unknown field "lines"'],
    [
      'vrfstats: an empty VRF',
      vrfstatsCliQuerySchema,
      { vrf: '' },
      'query.vrf: must be a VRF id or name (got "")',
    ],
  ])('%s', (_name, schema, query, message) => {
    expect(refused(schema, query, 'query')).toBe(message);
  });

  it('refuses a trace mode that is not predicted or simulated', () => {
    expect(refused(traceViewRequestSchema, { ...TRACE, mode: 'guessed' }, 'body')).toBe(
      'body.mode: must be "predicted" or "simulated" (got "guessed")',
    );
    expect(refused(traceViewRequestSchema, { ...TRACE, port: 0, mode: 'predicted' }, 'body')).toBe(
      'body.port: must be an integer from 1 to 65535 (got 0)',
    );
  });

  it('takes good input, with numbers read from the query text', () => {
    expect(parseInput(flowPageQuerySchema, { port: '8888', limit: '50', sort: 'packets' }, 'query')).toEqual({
      ok: true,
      value: { port: 8888, limit: 50, sort: 'packets' },
    });
    expect(parseInput(topologyQuerySchema, { vip: '10.96.0.1', port: '80' }, 'query')).toEqual({
      ok: true,
      value: { vip: '10.96.0.1', port: 80 },
    });
    expect(parseInput(traceViewRequestSchema, { ...TRACE, mode: 'predicted' }, 'body')).toMatchObject({
      ok: true,
      value: { mode: 'predicted', port: 8888 },
    });
  });
});
