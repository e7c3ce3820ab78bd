import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeIssue,
  formatPath,
  integer,
  integerText,
  ipv4,
  parseInput,
  podKey,
  strictObject,
  uuid,
} from './validation.ts';

const fail = (schema: z.ZodType, value: unknown, place: 'body' | 'query' | 'path' = 'body') => {
  const result = parseInput(schema, value, place);
  if (result.ok) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.message;
};

describe('parseInput', () => {
  const schema = strictObject({ port: integer(1, 65535), name: z.string().optional() });

  it('returns the parsed value', () => {
    expect(parseInput(schema, { port: 80 }, 'body')).toEqual({ ok: true, value: { port: 80 } });
  });

  it('names the field, the rule and the value sent', () => {
    expect(fail(schema, { port: 70000 })).toBe('body.port: must be an integer from 1 to 65535 (got 70000)');
    expect(fail(schema, { port: 1.5 })).toBe('body.port: must be an integer from 1 to 65535 (got 1.5)');
    expect(fail(schema, { port: '80' })).toBe('body.port: must be an integer from 1 to 65535 (got "80")');
  });

  it('says a missing field is required', () => {
    expect(fail(schema, {})).toBe('body.port: is required');
  });

  it('names unknown fields', () => {
    expect(fail(schema, { port: 80, prot: 1 })).toBe('body: unknown field "prot"');
    expect(fail(schema, { port: 80, a: 1, b: 2 })).toBe('body: unknown fields "a", "b"');
  });

  it('refuses a body that is not an object', () => {
    expect(fail(schema, [1, 2])).toBe('body: must be a JSON object (got [1,2])');
    expect(fail(schema, null)).toBe('body: must be a JSON object (got null)');
  });

  it('shortens long values it quotes', () => {
    const message = fail(schema, { port: 'x'.repeat(500) });
    expect(message.length).toBeLessThan(140);
    expect(message).toMatch(/…\)$/);
  });
});

describe('formatPath', () => {
  it('writes array indexes in brackets', () => {
    expect(formatPath('body', ['from', 2])).toBe('body.from[2]');
    expect(formatPath('query', [])).toBe('query');
  });
});

describe('building blocks', () => {
  it('integerText accepts decimal digits only', () => {
    const page = integerText(1, 1000);
    expect(page.parse('250')).toBe(250);
    for (const bad of ['0', '1001', '-1', '1e3', '0x10', ' 5', '5.0', ''])
      expect(fail(page, bad, 'query'), bad).toBe(
        `query: must be an integer from 1 to 1000 (got ${JSON.stringify(bad)})`,
      );
  });

  it('uuid lower-cases and refuses anything else', () => {
    expect(uuid.parse('99FE8CE7-9E75-11E9-B485-0050569E6CFC')).toBe('99fe8ce7-9e75-11e9-b485-0050569e6cfc');
    for (const bad of ['99fe8ce7', '99fe8ce7-9e75-11e9-b485-0050569e6cfcz', 'x,y', ''])
      expect(fail(uuid, bad, 'path')).toMatch(/^path: must be a uuid/);
  });

  it('ipv4 is strict', () => {
    expect(ipv4.parse('10.105.53.64')).toBe('10.105.53.64');
    for (const bad of ['010.105.053.064', '10.105.53', '256.1.1.1', '10.105.53.64/32'])
      expect(fail(ipv4, bad)).toMatch(/^body: must be an IPv4 address/);
  });

  it('podKey wants a namespace and a pod name', () => {
    expect(podKey.parse('ns-user-1/client')).toBe('ns-user-1/client');
    for (const bad of ['client', 'ns/', '/client', 'NS/client', 'ns/a/b', 'ns /client'])
      expect(fail(podKey, bad)).toBe(`body: must be "<namespace>/<pod>" (got ${JSON.stringify(bad)})`);
  });
});

describe('describeIssue', () => {
  it('rewrites zod type errors into a sentence', () => {
    const result = z.object({ a: z.string() }).safeParse({ a: 1 }, { reportInput: true });
    expect(describeIssue('body', result.error!.issues[0]!)).toBe(
      'body.a: has the wrong type (expected string, received number) (got 1)',
    );
  });
});
