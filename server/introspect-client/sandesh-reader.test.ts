import { describe, expect, it } from 'vitest';
import {
  ItfResp,
  NhListResp,
  Pagination,
  type ItfSandeshData,
  type NhSandeshData,
} from '@model/dataplane/sandesh/agent.ts';
import { KFlowResp, KNHResp } from '@model/dataplane/sandesh/kstate.ts';
import { FlowRecordResp } from '@model/dataplane/sandesh/pkt.ts';
import type { SandeshDef } from '@model/dataplane/sandesh/schema.ts';
import { SandeshXmlWriter, XSL_PROCESSING_INSTRUCTION } from '@server/introspect/sandesh-xml.ts';
import { RESPONSE_DEFS } from './responses.ts';
import { SandeshFormatError, SandeshReader, type SandeshResponse } from './sandesh-reader.ts';

function read(xml: string, chunk = xml.length): SandeshResponse[] {
  const out: SandeshResponse[] = [];
  const reader = new SandeshReader(RESPONSE_DEFS, (r) => out.push(r), 'test');
  for (let i = 0; i < xml.length; i += chunk) reader.write(xml.slice(i, i + chunk));
  reader.end();
  return out;
}

/** A multi-response answer as sandesh_http.cc frames it, written by the simulated agent's writer. */
function answer(messages: { def: SandeshDef; record: object; more: boolean }[]): string {
  let xml = XSL_PROCESSING_INSTRUCTION;
  const w = new SandeshXmlWriter((c) => (xml += c));
  if (messages.length > 1) w.raw(`<__${messages[0]!.def.name}_list type="slist">`);
  for (const m of messages) w.response(m.def, m.record as never, m.more);
  if (messages.length > 1) w.raw(`</__${messages[0]!.def.name}_list>`);
  w.flush();
  return xml;
}

// Written by hand from agent.sandesh (NhSandeshData, McastData, PageReqData): one composite with a
// hole and a tunnel, then the Pagination block of a middle page; no stylesheet-aware parser needed.
const NH_PAGE =
  '<?xml-stylesheet type="text/xsl" href="/universal_parse.xsl"?>' +
  '<__NhListResp_list type="slist">' +
  '<NhListResp type="sandesh"><nh_list type="list" identifier="1"><list type="struct" size="1">' +
  '<NhSandeshData><type type="string" identifier="1">ECMP Composite sub nh count: 3</type>' +
  '<ref_count type="i32" identifier="2">4</ref_count>' +
  '<valid type="string" identifier="3">true</valid>' +
  '<mc_list type="list" identifier="14"><list type="struct" size="3">' +
  '<McastData><type type="string" identifier="1">Interface</type><label type="i32" identifier="4">17</label>' +
  '<itf type="string" identifier="5" link="ItfReq">tap1b2c3d4e-5f</itf></McastData>' +
  '<McastData><type type="string" identifier="1">NULL</type></McastData>' +
  '<McastData><type type="string" identifier="1">Tunnel</type><sip type="string" identifier="2">10.85.188.20</sip>' +
  '<dip type="string" identifier="3">10.85.188.21</dip><label type="i32" identifier="4">25</label></McastData>' +
  '</list></mc_list>' +
  '<nh_index type="i32" identifier="21">42</nh_index>' +
  // A field this agent version adds and our declarations do not know: skipped.
  '<future_field type="struct" identifier="99"><Whatever><x type="i32" identifier="1">1</x></Whatever></future_field>' +
  '<crypt_interface type="string" identifier="33">&lt;none&gt; &amp; &apos;x&apos;</crypt_interface>' +
  '</NhSandeshData></list></nh_list><more type="bool" identifier="0">true</more></NhListResp>' +
  '<NhListResp type="sandesh"><nh_list type="list" identifier="1"><list type="struct" size="0"></list></nh_list>' +
  '<more type="bool" identifier="0">true</more></NhListResp>' +
  '<Pagination type="sandesh"><req type="struct" identifier="1"><PageReqData>' +
  '<prev_page type="string" identifier="1" link="PageReq">begin:0,end:99,table:db.nexthop.0,</prev_page>' +
  '<next_page type="string" identifier="2" link="PageReq">begin:200,end:299,table:db.nexthop.0,</next_page>' +
  '<first_page type="string" identifier="3" link="PageReq">begin:0,end:99,table:db.nexthop.0,</first_page>' +
  '<all type="string" identifier="4" link="PageReq">begin:-1,end:-1,table:db.nexthop.0,</all>' +
  '<table_size type="u32" identifier="5">612</table_size>' +
  '<entries type="string" identifier="6">100-199/612</entries>' +
  '</PageReqData></req></Pagination></__NhListResp_list>';

const bad = (xml: string) => () => read(xml);

describe('SandeshReader', () => {
  it('reads a paged answer written from agent.sandesh: records typed by the declarations, unknown fields skipped, required ones defaulted', () => {
    for (const chunk of [NH_PAGE.length, 7, 1]) {
      const responses = read(NH_PAGE, chunk);
      expect(responses.map((r) => [r.name, r.more])).toEqual([
        ['NhListResp', true],
        ['NhListResp', true],
        ['Pagination', false],
      ]);
      const [nh] = responses[0]!.record.nh_list as NhSandeshData[];
      expect(nh!.type).toBe('ECMP Composite sub nh count: 3');
      expect(nh!.ref_count).toBe(4);
      expect(nh!.nh_index).toBe(42);
      expect(nh!.mc_list).toEqual([
        { type: 'Interface', label: 17, itf: 'tap1b2c3d4e-5f' },
        { type: 'NULL' },
        { type: 'Tunnel', sip: '10.85.188.20', dip: '10.85.188.21', label: 25 },
      ]);
      expect(nh!.crypt_interface).toBe("<none> & 'x'");
      // Required fields the answer left out hold zero, as the generated constructor leaves them.
      expect(nh!.intf_flags).toBe(0);
      expect(nh!.learning_enabled).toBe(false);
      // Optional ones stay absent.
      expect('policy' in nh!).toBe(false);
      expect(responses[1]!.record.nh_list).toEqual([]);
      expect(responses[2]!.record.req).toMatchObject({
        next_page: 'begin:200,end:299,table:db.nexthop.0,',
        table_size: 612,
        entries: '100-199/612',
      });
    }
  });

  it('reads back what the simulated agent writes, for one response and for a list of them', () => {
    const itf = {
      index: 3,
      name: 'tapabc',
      fip_list: [
        {
          ip_addr: '10.96.0.10',
          port_map_enabled: true,
          port_map: [{ protocol: 6, port: 8888, nat_port: 80 }],
        },
      ],
      fixed_ip4_list: ['10.47.255.250'],
    };
    const [one] = read(answer([{ def: ItfResp, record: { itf_list: [itf] }, more: false }]));
    const got = (one!.record.itf_list as ItfSandeshData[])[0]!;
    expect(got).toMatchObject({ index: 3, name: 'tapabc', fixed_ip4_list: ['10.47.255.250'] });
    expect(got.fip_list[0]).toMatchObject({
      ip_addr: '10.96.0.10',
      port_map_enabled: true,
      port_map: [{ protocol: 6, port: 8888, nat_port: 80 }],
      vrf_name: '',
    });
    const many = read(
      answer([
        {
          def: KNHResp,
          record: { nh_list: [{ id: 1, type: 'RECEIVE', component_nh: [{ nh_id: -1, label: -1 }] }] },
          more: true,
        },
        { def: KFlowResp, record: { flow_list: [], flow_handle: '0' }, more: false },
        { def: FlowRecordResp, record: { record: { sip: '1.2.3.4', stats_bytes: 2 ** 40 } }, more: false },
        { def: Pagination, record: { req: { table_size: 0 } }, more: false },
      ]),
    );
    expect(many.map((r) => r.name)).toEqual(['KNHResp', 'KFlowResp', 'FlowRecordResp', 'Pagination']);
    expect(many[0]!.record.nh_list).toMatchObject([{ id: 1, component_nh: [{ nh_id: -1, label: -1 }] }]);
    expect(many[1]!.record).toEqual({ flow_list: [], flow_handle: '0' });
    expect((many[2]!.record.record as { stats_bytes: number }).stats_bytes).toBe(2 ** 40);
    expect(many[3]!.record.req).toMatchObject({ next_page: '', table_size: 0 });
  });

  it('keeps every list element of a base type', () => {
    const [r] = read(
      answer([
        {
          def: NhListResp,
          record: { nh_list: [{ type: 'tunnel', mac: ['0:1:2:3:4:5', 'a:b:c:d:e:f'] }] },
          more: false,
        },
      ]),
    );
    expect((r!.record.nh_list as NhSandeshData[])[0]!.mac).toEqual(['0:1:2:3:4:5', 'a:b:c:d:e:f']);
  });

  it('refuses what is not a Sandesh answer, saying where', () => {
    expect(bad('<html><title>404 Not Found</title></html>')).toThrow(/<html> is not a Sandesh response/);
    expect(bad('<Bogus type="sandesh"></Bogus>')).toThrow(/unexpected response <Bogus>/);
    expect(
      bad('<NhListResp type="sandesh"><nh_list type="string" identifier="1">x</nh_list></NhListResp>'),
    ).toThrow(/NhListResp.nh_list: declared a list, sent as string/);
    expect(
      bad(
        '<KFlowResp type="sandesh"><flow_list type="list" identifier="1"><list type="struct" size="1"><KFlowInfo>' +
          '<index type="i32" identifier="1">x1</index></KFlowInfo></list></flow_list></KFlowResp>',
      ),
    ).toThrow(/index: "x1" is not an integer/);
    expect(bad('<NhListResp type="sandesh"><nh_list')).toThrow(SandeshFormatError);
    expect(bad('<NhListResp type="sandesh"><nh_list type="list" identifier="1">')).toThrow(/unclosed tag/);
    expect(bad(XSL_PROCESSING_INSTRUCTION)).toThrow(/root element/);
    expect(bad('')).toThrow(SandeshFormatError);
  });
});
