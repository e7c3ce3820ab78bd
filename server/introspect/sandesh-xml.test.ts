import { describe, expect, it } from 'vitest';
import { f, request, response, struct } from '@model/dataplane/sandesh/schema.ts';
import { curlUnescape, parseRequestParams, strtoul } from './request-params.ts';
import { formatBase, SandeshXmlWriter } from './sandesh-xml.ts';

const Inner = struct('Inner', { label: f.i32(1, { link: 'KMplsReq' }), names: f.listOf('string')(2) });
const Resp = response('TestResp', {
  s: f.string(1),
  small: f.i16(2),
  opt: f.string.opt(3),
  inner: f.struct(Inner)(4),
  list: f.list(Inner)(5),
  flag: f.bool(6),
});

function render(
  record: Parameters<SandeshXmlWriter['response']>[1],
  more = false,
  chunk = 1 << 16,
): string[] {
  const chunks: string[] = [];
  const w = new SandeshXmlWriter((c) => chunks.push(c), chunk);
  w.response(Resp, record as never, more);
  w.flush();
  return chunks;
}

describe('SandeshXmlWriter', () => {
  it('writes fields in declaration order with type and identifier, links, structs and lists as TXMLProtocol does', () => {
    const xml = render({
      s: 'a<b>&\'c"',
      small: 40000,
      inner: { label: 16, names: ['x', 'y'] },
      list: [{ label: -1, names: [] }],
      flag: true,
    } as never).join('');
    expect(xml).toBe(
      '<TestResp type="sandesh">' +
        `<s type="string" identifier="1">a&lt;b&gt;&amp;&apos;c"</s>` +
        // An i16 holding 40000 prints as the C++ int16_t does.
        '<small type="i16" identifier="2">-25536</small>' +
        '<inner type="struct" identifier="4"><Inner><label type="i32" identifier="1" link="KMplsReq">16</label>' +
        '<names type="list" identifier="2"><list type="string" size="2"><element>x</element><element>y</element></list></names></Inner></inner>' +
        '<list type="list" identifier="5"><list type="struct" size="1"><Inner><label type="i32" identifier="1" link="KMplsReq">-1</label>' +
        '<names type="list" identifier="2"><list type="string" size="0"></list></names></Inner></list></list>' +
        '<flag type="bool" identifier="6">true</flag>' +
        '<more type="bool" identifier="0">false</more></TestResp>',
    );
  });

  it('writes an optional field only when set, and a required one unset as its default or zero', () => {
    const xml = render({ opt: 'here' } as never, true).join('');
    expect(xml).toContain('<opt type="string" identifier="3">here</opt>');
    expect(xml).toContain('<s type="string" identifier="1"></s><small type="i16" identifier="2">0</small>');
    expect(xml).toContain('<more type="bool" identifier="0">true</more>');
    expect(render({} as never).join('')).not.toContain('<opt ');
  });

  it('hands the text over in chunks, never as one string past the chunk size', () => {
    const chunks = render(
      { list: Array.from({ length: 500 }, (_, i) => ({ label: i, names: [] })) } as never,
      false,
      4096,
    );
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThan(4096 + 512);
  });

  it('narrows integers to the declared width', () => {
    expect(formatBase('byte', 200)).toBe('-56');
    expect(formatBase('u16', -1)).toBe('65535');
    expect(formatBase('u32', -1)).toBe('4294967295');
    expect(formatBase('i64', 2n ** 40n)).toBe('1099511627776');
  });
});

describe('request parameters (generated RequestFromHttp)', () => {
  const Req = request('TestReq', {
    id: f.i32(1, { default: -1 }),
    name: f.string(2),
    on: f.bool(3),
    small: f.i16(4),
  });

  it('fills fields by position, ignores names, keeps defaults for missing values', () => {
    expect(parseRequestParams(Req, 'b=7&a=hello')).toEqual({ id: 7, name: 'hello', on: false, small: 0 });
    expect(parseRequestParams(Req, '')).toEqual({ id: -1, name: '', on: false, small: 0 });
    // Empty tokens are dropped; a token without `=value` leaves the default.
    expect(parseRequestParams(Req, '&&id&name=x')).toEqual({ id: -1, name: 'x', on: false, small: 0 });
  });

  it('reads integers with strtoul and narrows them, booleans as integers, strings percent-decoded', () => {
    expect(parseRequestParams(Req, 'id=-1&name=a%20b+c&on=1&small=70000')).toEqual({
      id: -1,
      name: 'a b+c',
      on: true,
      small: 4464,
    });
    expect(parseRequestParams(Req, 'id=12abc&name=%zz&on=true')).toEqual({
      id: 12,
      name: '%zz',
      on: false,
      small: 0,
    });
    expect(strtoul('  42')).toBe(42n);
    expect(strtoul('-2')).toBe(2n ** 64n - 2n);
    expect(strtoul('99999999999999999999999')).toBe(2n ** 64n - 1n);
    expect(curlUnescape('%E2%9C%93')).toBe('✓');
  });
});
