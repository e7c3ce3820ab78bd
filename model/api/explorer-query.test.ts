import { describe, expect, it } from 'vitest';
import { levelParamsSchema, loadBalancersQuerySchema, MAX_PAGE_LIMIT } from './explorer-query.ts';
import { parseInput } from './validation.ts';

const LB = '99fe8ce7-9e75-11e9-b485-0050569e6cfc';
const parse = (query: unknown) => parseInput(loadBalancersQuerySchema, query, 'query');

describe('loadBalancersQuerySchema', () => {
  it('takes a page or a uuid selection', () => {
    expect(parse({})).toEqual({ ok: true, value: {} });
    expect(parse({ page_limit: '50', page_marker: 'default-domain:p:lb' })).toEqual({
      ok: true,
      value: { page_limit: 50, page_marker: 'default-domain:p:lb' },
    });
    expect(parse({ obj_uuids: `${LB},${LB.toUpperCase()}` })).toEqual({
      ok: true,
      value: { obj_uuids: [LB, LB] },
    });
  });

  it.each([
    [{ page_limit: '0' }, 'query.page_limit: must be an integer from 1 to 1000 (got "0")'],
    [{ page_limit: '1001' }, 'query.page_limit: must be an integer from 1 to 1000 (got "1001")'],
    [{ page_limit: 'ten' }, 'query.page_limit: must be an integer from 1 to 1000 (got "ten")'],
    [{ page_limit: ['1', '2'] }, 'query.page_limit: must be an integer from 1 to 1000 (got ["1","2"])'],
    [
      { page_marker: '' },
      'query.page_marker: must not be empty (omit it, or send "None", for the first page) (got "")',
    ],
    [
      { obj_uuids: 'not-a-uuid' },
      'query.obj_uuids[0]: must be a uuid (8-4-4-4-12 hex digits) (got "not-a-uuid")',
    ],
    [{ obj_uuids: `${LB},` }, 'query.obj_uuids[1]: must be a uuid (8-4-4-4-12 hex digits) (got "")'],
    [
      { obj_uuids: LB, page_limit: '5' },
      'query.obj_uuids: obj_uuids selects rows by uuid and cannot be combined with page_limit or page_marker',
    ],
    [{ pagelimit: '5' }, 'query: unknown field "pagelimit"'],
  ])('refuses %j', (query, message) => {
    expect(parse(query)).toEqual({ ok: false, message });
  });

  it('refuses a marker longer than any fq_name', () => {
    const result = parse({ page_marker: 'x'.repeat(2049) });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^query\.page_marker: must be at most 2048 characters/);
  });

  it(`refuses more than ${MAX_PAGE_LIMIT} uuids`, () => {
    const result = parse({ obj_uuids: Array.from({ length: MAX_PAGE_LIMIT + 1 }, () => LB).join(',') });
    expect(!result.ok && result.message).toMatch(/^query\.obj_uuids: must list at most 1000 uuids/);
  });
});

describe('levelParamsSchema', () => {
  it('takes a uuid', () => {
    expect(parseInput(levelParamsSchema, { uuid: LB }, 'path')).toEqual({ ok: true, value: { uuid: LB } });
  });

  it.each([
    [{ uuid: 'x' }, 'path.uuid: must be a uuid (8-4-4-4-12 hex digits) (got "x")'],
    [{ uuid: `${LB},${LB}` }, /^path\.uuid: must be a uuid/],
    [{}, 'path.uuid: is required'],
  ])('refuses %j', (params, message) => {
    const result = parseInput(levelParamsSchema, params, 'path');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});
