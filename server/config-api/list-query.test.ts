import { describe, expect, it } from 'vitest';
import { Invalid } from './errors.ts';
import { DEFAULT_PAGE_LIMIT, parseFilters, parseListRequest } from './list-query.ts';

describe('parseListRequest', () => {
  it('reads anchors, flags and fields as contrail-api does', () => {
    const req = parseListRequest({
      parent_fq_name_str: 'default-domain:p',
      parent_type: 'project',
      back_ref_id: 'a,b',
      obj_uuids: 'c',
      fq_names: 'd:e:f,g:h',
      detail: 'True',
      count: '1',
      exclude_hrefs: '',
      fields: 'x,y',
    });
    expect(req.query).toEqual({
      parentFqName: { fqName: ['default-domain', 'p'], type: 'project' },
      backRefUuids: ['a', 'b'],
      objUuids: ['c'],
      fqNames: [
        ['d', 'e', 'f'],
        ['g', 'h'],
      ],
    });
    expect([req.detail, req.count, req.excludeHrefs, [...req.fields!]]).toEqual([
      true,
      false,
      true,
      ['x', 'y'],
    ]);
    expect(req.page).toBeUndefined();
  });

  it('pages only with page_marker, with the default limit of 256', () => {
    expect(parseListRequest({ page_limit: '5' }).page).toBeUndefined();
    expect(parseListRequest({ page_marker: 'None' }).page).toEqual({
      limit: DEFAULT_PAGE_LIMIT,
      marker: undefined,
    });
    const marker = 'default-domain:p:x:3f2e0000-0000-4000-8000-000000000000';
    expect(parseListRequest({ page_marker: marker, page_limit: ' 7 ' }).page).toEqual({ limit: 7, marker });
    expect(() => parseListRequest({ page_marker: 'a:zz' })).toThrow(
      'Invalid page_marker a:zz: badly formed hexadecimal UUID string',
    );
    expect(() => parseListRequest({ page_limit: '-1' })).toThrow(
      'Invalid page_limit -1: page_limit has to be greater than zero',
    );
  });

  it('parses filter values as JSON when they parse and refuses malformed ones', () => {
    expect(parseFilters('a==5,b==true,c=="x",d==x,e==null')).toEqual([
      ['a', 5],
      ['b', true],
      ['c', 'x'],
      ['d', 'x'],
      ['e', null],
    ]);
    for (const bad of ['a', 'a==b==c', 'a==[1]', 'a==5,b'])
      expect(() => parseFilters(bad)).toThrow(new Invalid(`Invalid filter ${bad}`));
  });

  it('answers an unknown parent_type with 404 text', () => {
    expect(() => parseListRequest({ parent_fq_name_str: 'a', parent_type: 'nope' })).toThrow(
      "Resource type 'nope' not found",
    );
  });
});
