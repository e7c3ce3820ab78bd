import { describe, expect, it } from 'vitest';
import {
  applyBodySchema,
  applyOptionsSchema,
  MAX_REPLICAS,
  namespacedParamsSchema,
  readinessRequestSchema,
  scaleRequestSchema,
} from './cluster-requests.ts';
import { parseInput } from './validation.ts';

function refused(
  schema: Parameters<typeof parseInput>[0],
  value: unknown,
  place: 'body' | 'query' | 'path' = 'body',
) {
  const result = parseInput(schema, value, place);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.message;
}

describe('cluster request schemas', () => {
  it('parse what the routes take', () => {
    expect(scaleRequestSchema.parse({ replicas: 0 })).toEqual({ replicas: 0 });
    expect(readinessRequestSchema.parse({ ready: false })).toEqual({ ready: false });
    expect(applyOptionsSchema.parse({})).toEqual({});
    expect(applyBodySchema.parse('kind: Namespace')).toBe('kind: Namespace');
    expect(applyBodySchema.parse({ kind: 'List', items: [] })).toEqual({ kind: 'List', items: [] });
    expect(namespacedParamsSchema.parse({ namespace: 'ns-user-1', name: 'webserver' })).toEqual({
      namespace: 'ns-user-1',
      name: 'webserver',
    });
  });

  it.each([
    [
      scaleRequestSchema,
      { replicas: -1 },
      `body.replicas: must be an integer from 0 to ${MAX_REPLICAS} (got -1)`,
    ],
    [
      scaleRequestSchema,
      { replicas: 10_001 },
      'body.replicas: must be an integer from 0 to 10000 (got 10001)',
    ],
    [scaleRequestSchema, { replicas: '3' }, 'body.replicas: must be an integer from 0 to 10000 (got "3")'],
    [scaleRequestSchema, {}, 'body.replicas: is required'],
    [scaleRequestSchema, { replicas: 3, dryRun: true }, 'body: unknown field "dryRun"'],
    [readinessRequestSchema, { ready: 'true' }, 'body.ready: must be true or false (got "true")'],
    [readinessRequestSchema, {}, 'body.ready: is required'],
    [readinessRequestSchema, 'ready', 'body: must be a JSON object (got "ready")'],
    [applyBodySchema, '  \n', 'body: must not be empty (got "  \\n")'],
    [applyBodySchema, [], 'body: must not be an empty list (got [])'],
    [applyBodySchema, 42, 'body: must be a YAML or JSON manifest (got 42)'],
  ] as const)('%# refuses %j', (schema, value, message) => {
    expect(refused(schema, value)).toBe(message);
  });

  it('refuses apply options it does not implement, by name', () => {
    expect(refused(applyOptionsSchema, { dryRun: 'All' }, 'query')).toBe('query: unknown field "dryRun"');
  });

  it('refuses object names Kubernetes would refuse', () => {
    expect(refused(namespacedParamsSchema, { namespace: 'NS', name: 'web' }, 'path')).toBe(
      'path.namespace: must be a namespace name (a DNS-1123 label) (got "NS")',
    );
    expect(refused(namespacedParamsSchema, { namespace: 'ns', name: 'web_1' }, 'path')).toBe(
      'path.name: must be an object name (a DNS-1123 subdomain) (got "web_1")',
    );
  });
});
