import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { Dataplane } from '@server/dataplane/dataplane.ts';
import { FlowProcessor } from '@server/dataplane/flow-processor.ts';
import { DataplaneFixture } from '@server/dataplane/testing/fixture.ts';
import { generateTraffic, runTraffic } from '@server/dataplane/trace.ts';
import { flowJson, itfJson, nhJson, routeJson, vrfJson } from '@server/dataplane/json-views.ts';
import { sequentialIds } from '@server/ids.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import { startSimulation, type Simulation } from '@server/simulation.ts';
import { IntrospectListeners } from './listeners.ts';

// The introspect read by an XML parser that knows only the Sandesh XML encoding (saxes and the
// decoder below), compared with the same vRouters' records read in process (the dataplane's own
// JSON views).

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

interface Parsed {
  stylesheet: string | null;
  root: XmlNode;
}

function parseXml(body: string): Parsed {
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let stylesheet: string | null = null;
  parser.on('processinginstruction', (pi) => {
    stylesheet = `${pi.target} ${pi.body}`;
  });
  parser.on('opentag', (tag) => {
    const node: XmlNode = {
      name: tag.name,
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    if (stack.length > 0) stack.at(-1)!.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack.at(-1)!.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(body).close();
  return { stylesheet, root: root! };
}

type Value = string | Value[] | { [field: string]: Value };

/** A field element's value: base text, a struct, or a list — by the encoding's `type` attributes. */
function decodeField(el: XmlNode): Value {
  const type = el.attrs.type;
  if (type === 'struct') return decodeStruct(el.children[0]!);
  if (type === 'list') {
    const list = el.children[0]!;
    expect(list.name).toBe('list');
    expect(Number(list.attrs.size)).toBe(list.children.length);
    return list.children.map((c) => (list.attrs.type === 'struct' ? decodeStruct(c) : c.text));
  }
  return el.text;
}

function decodeStruct(el: XmlNode): { [field: string]: Value } {
  const out: { [field: string]: Value } = {};
  for (const child of el.children) {
    expect(child.attrs.identifier, `${el.name}.${child.name} has an identifier`).toMatch(/^-?\d+$/);
    out[child.name] = decodeField(child);
  }
  return out;
}

interface SandeshDoc {
  stylesheet: string | null;
  /** The `__X_list` wrapper of a multi-response answer, or null. */
  wrapper: string | null;
  responses: { name: string; fields: { [field: string]: Value } }[];
}

function decodeSandesh(body: string): SandeshDoc {
  const { stylesheet, root } = parseXml(body);
  const list = root.attrs.type === 'slist';
  const elements = list ? root.children : [root];
  for (const e of elements) expect(e.attrs.type).toBe('sandesh');
  return {
    stylesheet,
    wrapper: list ? root.name : null,
    responses: elements.map((e) => ({ name: e.name, fields: decodeStruct(e) })),
  };
}

const asList = (v: Value | undefined) => (v ?? []) as { [field: string]: Value }[];

let sim: Simulation;
let listeners: IntrospectListeners;
let node1: number;
let node2: number;

async function introspect(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

async function sandesh(port: number, path: string): Promise<SandeshDoc> {
  const res = await introspect(port, path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/xml');
  return decodeSandesh(res.body);
}

/** Every item of a list field over all responses of an answer. */
function items(doc: SandeshDoc, list: string) {
  return doc.responses.flatMap((r) => asList(r.fields[list]));
}

beforeAll(async () => {
  const clock = new ManualClock();
  sim = await startSimulation({ clock, ids: sequentialIds() });
  listeners = await IntrospectListeners.start(sim.dataplane, { basePort: 0 });
  [node1, node2] = listeners.computes.map((c) => c.port) as [number, number];
  // Flows on both computes, through the simulation's packet path.
  const lb = [...sim.store.all('loadbalancer')].find(
    (o) => o.displayName === 'ns-user-1__service-web-clusterip',
  )!;
  const vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;
  await sim.ports.packets!.traffic({
    from: 'ns-user-1/client',
    to: vip,
    protocol: 'TCP',
    port: 8888,
    flows: 300,
  });
});

afterAll(async () => {
  await listeners.close();
  await sim.stop();
});

/**
 * The reference: what the in-process dataplane's JSON views say for the UI paths these tests used
 * to ask (vrfs, routes?vrf=, nexthops, interfaces, flows?limit=&cursor=), read without introspect.
 */
// oxlint-disable-next-line typescript/no-explicit-any -- shapes are asserted field by field below
async function getJson(url: string): Promise<any> {
  const u = new URL(url, 'http://x');
  const [, node, table] = /^\/api\/dataplane\/vrouters\/([^/]+)\/(\w+)$/.exec(u.pathname)!;
  const router = sim.dataplane.router(node!)!;
  switch (table) {
    case 'vrfs':
      return { vrf_list: router.vrfById.map((v) => vrfJson(router, v)) };
    case 'routes': {
      const vrf = router.vrfById[Number(u.searchParams.get('vrf'))]!;
      return { route_list: router.sortedRoutes(vrf).map((r) => routeJson(router, r)) };
    }
    case 'nexthops':
      return {
        nh_list: [...router.nh.values()].sort((a, b) => a.id - b.id).map((nh) => nhJson(router, nh)),
      };
    case 'interfaces':
      return {
        itf_list: [...router.vifs.values()]
          .filter((v) => v.type === 'pod')
          .sort((a, b) => a.index - b.index)
          .map((v) => itfJson(router, v)),
      };
    case 'flows': {
      router.flows.expireAll(sim.dataplane.clock.now());
      const limit = Number(u.searchParams.get('limit'));
      const list = [];
      let i = router.flows.nextActive(Number(u.searchParams.get('cursor')));
      for (; i >= 0 && list.length < limit; i = router.flows.nextActive(i + 1))
        list.push(flowJson(router, i));
      return { flow_list: list, next_cursor: i >= 0 ? i : null };
    }
  }
  throw new Error(`no reference for ${url}`);
}

describe('agent introspect, read with a generic Sandesh XML parser', () => {
  it('listens once per compute, in node order', () => {
    expect(listeners.computes.map((c) => c.node)).toEqual(['k8s-node1', 'k8s-node2']);
    expect(node1).not.toBe(node2);
  });

  it('frames one response with the stylesheet instruction and a Content-Length', async () => {
    const res = await introspect(node1, '/Snh_KDropStatsReq');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.body)));
    expect(
      res.body.startsWith(
        '<?xml-stylesheet type="text/xsl" href="/universal_parse.xsl"?><KDropStatsResp type="sandesh">',
      ),
    ).toBe(true);
    expect(res.body.endsWith('<more type="bool" identifier="0">false</more></KDropStatsResp>')).toBe(true);
    const doc = decodeSandesh(res.body);
    expect(doc.stylesheet).toBe('xml-stylesheet type="text/xsl" href="/universal_parse.xsl"');
    expect(doc.responses[0]!.fields.ds_flow_action_drop).toBe('0');
  });

  it('finds the same VRFs as the JSON route, and the Pagination block after them', async () => {
    const doc = await sandesh(node1, '/Snh_VrfListReq');
    expect(doc.wrapper).toBe('__VrfListResp_list');
    expect(doc.responses.map((r) => r.name)).toEqual(['VrfListResp', 'Pagination']);
    expect(doc.responses.map((r) => r.fields.more)).toEqual(['true', 'false']);
    const vrfs = items(doc, 'vrf_list').map((v) => [v.name, v.ucindex]);
    const fromJson = (await getJson('/api/dataplane/vrouters/k8s-node1/vrfs')).vrf_list.map(
      (v: { name: string; ucindex: number }) => [v.name, String(v.ucindex)],
    );
    expect(vrfs).toEqual([...fromJson].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    const page = doc.responses[1]!.fields.req as { [f: string]: Value };
    expect(page).toMatchObject({
      table_size: String(fromJson.length),
      entries: `0-${fromJson.length - 1}/${fromJson.length}`,
      next_page: '',
      prev_page: '',
    });
    expect(page.all).toBe('begin:-1,end:-1,table:db.vrf.0,');
    // The name filter is a substring match.
    const pods = items(await sandesh(node1, '/Snh_VrfListReq?name=pod-network'), 'vrf_list');
    expect(pods.map((v) => v.name)).toEqual([
      'default-domain:k8s-default:k8s-default-pod-network:k8s-default-pod-network',
    ]);
  });

  it('finds the same routes, paths, labels and next hops as the JSON route', async () => {
    for (const [node, port] of [
      ['k8s-node1', node1],
      ['k8s-node2', node2],
    ] as const) {
      const vrfs = (await getJson(`/api/dataplane/vrouters/${node}/vrfs`)).vrf_list as { ucindex: number }[];
      for (const { ucindex } of vrfs) {
        const doc = await sandesh(port, `/Snh_Inet4UcRouteReq?vrf_index=${ucindex}`);
        const routes = items(doc, 'route_list');
        const fromJson = (await getJson(`/api/dataplane/vrouters/${node}/routes?vrf=${ucindex}`))
          .route_list as {
          src_ip: string;
          src_plen: number;
          path_list: { peer: string; label: number; nh: { nh_index: number } | null }[];
        }[];
        expect(routes.map((r) => `${r.src_ip}/${r.src_plen}`)).toEqual(
          fromJson.map((r) => `${r.src_ip}/${r.src_plen}`),
        );
        expect(
          routes.map((r) =>
            asList(r.path_list).map((p) => [p.peer, p.label, (p.nh as { nh_index: string }).nh_index]),
          ),
        ).toEqual(
          fromJson.map((r) => r.path_list.map((p) => [p.peer, String(p.label), String(p.nh?.nh_index)])),
        );
      }
    }
    // One prefix, exactly (src_ip + prefix_len); an unknown VRF is an ErrorResp.
    const one = items(
      await sandesh(node1, '/Snh_Inet4UcRouteReq?vrf_index=0&src_ip=10.85.188.20&prefix_len=32'),
      'route_list',
    );
    expect(one.map((r) => r.src_ip)).toEqual(['10.85.188.20']);
    const err = await sandesh(node1, '/Snh_Inet4UcRouteReq?vrf_index=99');
    expect(err.responses).toEqual([
      { name: 'ErrorResp', fields: { resp: '   Invalid Input !!!   ', more: 'false' } },
    ]);
  });

  it('finds the same composites (agent and kernel view) and MPLS labels as the JSON routes', async () => {
    for (const [node, port] of [
      ['k8s-node1', node1],
      ['k8s-node2', node2],
    ] as const) {
      const fromJson = (await getJson(`/api/dataplane/vrouters/${node}/nexthops`)).nh_list as {
        nh_index: number;
        type: string;
        local_ecmp?: string;
        mc_list?: { label?: number }[];
      }[];
      const composites = fromJson.filter((n) => n.type.startsWith('ECMP Composite'));
      expect(composites.length).toBeGreaterThan(0);
      const agent = items(await sandesh(port, '/Snh_NhListReq?type=composite'), 'nh_list');
      expect(agent.map((n) => n.nh_index).sort()).toEqual(composites.map((n) => String(n.nh_index)).sort());
      for (const nh of agent) {
        const j = composites.find((c) => String(c.nh_index) === nh.nh_index)!;
        expect(nh.type).toBe(j.type);
        expect(asList(nh.mc_list).map((m) => m.label ?? '-')).toEqual(
          j.mc_list!.map((m) => (m.label === undefined ? '-' : String(m.label))),
        );
        const kernel = items(await sandesh(port, `/Snh_KNHReq?nh_id=${nh.nh_index}`), 'nh_list')[0]!;
        expect(kernel.type).toBe('COMPOSITE');
        expect(asList(kernel.component_nh).map((c) => c.label)).toEqual(
          asList(nh.mc_list).map((m) => (m.label ?? '-1') as string),
        );
      }
      // Labels: every interface's and every local-ECMP path's label is in both MPLS views.
      const agentLabels = items(await sandesh(port, '/Snh_MplsReq'), 'mpls_list').map((m) => m.label);
      const kernelLabels = items(await sandesh(port, '/Snh_KMplsReq'), 'mpls_list').map((m) => m.label);
      expect(kernelLabels).toEqual(agentLabels);
      const itfLabels = (
        (await getJson(`/api/dataplane/vrouters/${node}/interfaces`)).itf_list as { label: number }[]
      ).map((i) => String(i.label));
      const vrfs = (await getJson(`/api/dataplane/vrouters/${node}/vrfs`)).vrf_list as { ucindex: number }[];
      const ecmpLabels: string[] = [];
      for (const { ucindex } of vrfs)
        for (const r of (await getJson(`/api/dataplane/vrouters/${node}/routes?vrf=${ucindex}`)).route_list)
          for (const p of r.path_list) if (p.peer === 'Ecmp') ecmpLabels.push(String(p.label));
      expect([...new Set([...itfLabels, ...ecmpLabels])].sort()).toEqual([...agentLabels].sort());
    }
  });

  it('finds the same flows by walking KFlowReq → NextKFlowReq, and FetchFlowRecord finds each', async () => {
    for (const [node, port] of [
      ['k8s-node1', node1],
      ['k8s-node2', node2],
    ] as const) {
      const walked: { [f: string]: Value }[] = [];
      let doc = await sandesh(port, '/Snh_KFlowReq');
      for (;;) {
        const resp = doc.responses[0]!;
        expect(resp.name).toBe('KFlowResp');
        walked.push(...asList(resp.fields.flow_list));
        if (resp.fields.flow_handle === '0') break;
        doc = await sandesh(port, `/Snh_NextKFlowReq?flow_handle=${resp.fields.flow_handle as string}`);
      }
      const fromJson: {
        index: number;
        sip: string;
        sport: number;
        dip: string;
        dport: number;
        proto: number;
        nhid: number;
      }[] = [];
      let cursor: number | null = 0;
      while (cursor !== null) {
        const page: { flow_list: typeof fromJson; next_cursor: number | null } = await getJson(
          `/api/dataplane/vrouters/${node}/flows?limit=1000&cursor=${cursor}`,
        );
        fromJson.push(...page.flow_list);
        cursor = page.next_cursor;
      }
      expect(fromJson.length).toBeGreaterThan(100);
      expect(walked.map((f) => f.index)).toEqual(fromJson.map((f) => String(f.index)));
      const f = fromJson[fromJson.length - 1]!;
      const rec = await sandesh(
        port,
        `/Snh_FetchFlowRecord?nh=${f.nhid}&sip=${f.sip}&dip=${f.dip}&src_port=${f.sport}&dst_port=${f.dport}&protocol=${f.proto}`,
      );
      expect(rec.responses[0]!.name).toBe('FlowRecordResp');
      expect(rec.responses[0]!.fields.record).toMatchObject({
        flow_handle: String(f.index),
        sip: f.sip,
        dip: f.dip,
      });
    }
    const missing = await sandesh(
      node1,
      '/Snh_FetchFlowRecord?nh=1&sip=1.2.3.4&dip=5.6.7.8&src_port=1&dst_port=2&protocol=6',
    );
    expect(missing.responses).toEqual([
      { name: 'FlowErrorResp', fields: { resp: 'No Flow Record for specified key ', more: 'false' } },
    ]);
    const one = await sandesh(node1, '/Snh_KFlowReq?flow_idx=999999999');
    expect(one.responses[0]!.name).toBe('ErrResp');
  });

  it('lists the flows filed under a route (FlowsPerInetRouteFlowMgmtKeyReq) and the flow tables', async () => {
    const lb = [...sim.store.all('loadbalancer')].find(
      (o) => o.displayName === 'ns-user-1__service-web-clusterip',
    )!;
    const vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;
    const router = sim.dataplane.router('k8s-node1')!;
    const podVrf = router.vrfById.find((v) => v.name.endsWith('k8s-default-pod-network'))!.id;
    router.flows.expireAll(sim.dataplane.clock.now());
    // Independently: every flow from or to the VIP, whose route in the pod VRF is the VIP's /32.
    const touching = [...router.flows.activeIndexes()].filter((i) => {
      const e = router.flows.entry(i);
      return e.vrf === podVrf && (formatIpv4(e.sip) === vip || formatIpv4(e.dip) === vip);
    });
    // The 300 flows to the VIP, and the reverse of those that left for node2 (from the VIP).
    expect(touching.length).toBeGreaterThan(300);
    const doc = await sandesh(node1, `/Snh_FlowsPerInetRouteFlowMgmtKeyReq?key=0-${podVrf}-${vip}-32`);
    expect(doc.responses.map((r) => [r.name, r.fields.more])).toEqual([
      ['FlowsPerInetRouteFlowMgmtKeyResp', 'false'],
    ]);
    const listed = items(doc, 'flow_list');
    expect(listed.map((f) => Number(f.flow_handle))).toEqual(touching);
    const forward = listed.filter((f) => f.dip === vip);
    expect(forward).toHaveLength(300);
    expect(forward.every((f) => f.dst_port === '8888' && f.ecmp_index !== undefined)).toBe(true);
    // StringToInetRouteFlowMgmtKey: not three '-', an unknown table, an address that does not
    // parse, or a prefix that is not the route's (the tree is searched for the exact key): nothing.
    const [a, b, c, d] = vip.split('.');
    for (const key of [
      `0-${podVrf}-${vip}`,
      `0-${podVrf}-${vip}-32-1`,
      `1-${podVrf}-${vip}-32`,
      `0-${podVrf}-not.an.address-32`,
      `0-${podVrf}-${a}.${b}.${c}.0-24`,
      `0-${podVrf}-${a}.${b}.${c}.${d}-31`,
    ]) {
      const none = await sandesh(node1, `/Snh_FlowsPerInetRouteFlowMgmtKeyReq?key=${key}`);
      expect(items(none, 'flow_list'), key).toEqual([]);
    }
    const info = await sandesh(node1, '/Snh_SandeshFlowTableInfoRequest');
    expect(info.responses[0]!.name).toBe('SandeshFlowTableInfoResp');
    expect(info.responses[0]!.fields).toMatchObject({
      flow_count: String(router.flows.size),
      total_added: String(router.flows.counters.created),
      max_flows: String(router.flows.peak),
    });
    expect(asList(info.responses[0]!.fields.table_list)).toEqual([
      {
        index: '0',
        count: String(router.flows.size),
        total_add: String(router.flows.counters.created),
        total_del: String(router.flows.counters.deleted),
        freelist_count: '0',
      },
    ]);
  });

  it('answers the interface, kernel and XMPP requests', async () => {
    const itfs = items(await sandesh(node1, '/Snh_ItfReq'), 'itf_list');
    const fromJson = (await getJson('/api/dataplane/vrouters/k8s-node1/interfaces')).itf_list as {
      name: string;
    }[];
    for (const j of fromJson) expect(itfs.map((i) => i.name)).toContain(j.name);
    expect(items(await sandesh(node1, '/Snh_ItfReq?name=&type=vmi'), 'itf_list')).toHaveLength(
      fromJson.length,
    );
    expect(items(await sandesh(node1, '/Snh_KInterfaceReq'), 'if_list').map((i) => i.name)).toEqual(
      expect.arrayContaining(['eth0', 'vhost0', 'pkt0']),
    );
    const routes = items(await sandesh(node1, '/Snh_KRouteReq?vrf_id=0&family=inet'), 'rt_list');
    // vhost0's route only traps ARP: LabelFlagsToString keeps MPLS and PROXY-ARP alone, so ''.
    expect(routes.find((r) => r.prefix === '10.85.188.20')).toMatchObject({
      label_flags: '',
      prefix_len: '32',
    });
    expect(routes.find((r) => r.prefix === '0.0.0.0')).toMatchObject({ label_flags: '--NONE--', nh_id: '0' });
    expect((await sandesh(node1, '/Snh_KRouteReq?vrf_id=0&family=mpls')).responses[0]!.fields.resp).toBe(
      'Allowed options for family are inet, inet6, bridge',
    );
    expect(items(await sandesh(node1, '/Snh_KVrfStatsReq?vrf_index=0'), 'vrf_stats_list')).toHaveLength(1);
    const xmpp = items(await sandesh(node1, '/Snh_AgentXmppConnectionStatusReq'), 'peer');
    expect(xmpp).toHaveLength(1);
    expect(xmpp[0]).toMatchObject({ state: 'Established', controller_ip: sim.dataplane.controlNode.address });
  });

  it('reads parameters by position, as the generated RequestFromHttp does', async () => {
    // The name is ignored: the first token fills the first field.
    const byPosition = items(await sandesh(node1, '/Snh_KNHReq?whatever=1'), 'nh_list');
    expect(byPosition.map((n) => n.id)).toEqual(['1']);
    // strtoul: `abc` is 0, `2xyz` is 2, `-1` wraps back to the dump of every NH.
    expect(items(await sandesh(node1, '/Snh_KNHReq?nh_id=abc'), 'nh_list').map((n) => n.id)).toEqual(['0']);
    expect(items(await sandesh(node1, '/Snh_KNHReq?nh_id=2xyz'), 'nh_list').map((n) => n.id)).toEqual(['2']);
    const all = items(await sandesh(node1, '/Snh_KNHReq?nh_id=-1'), 'nh_list');
    expect(all.length).toBe(sim.dataplane.router('k8s-node1')!.nh.size);
    // A missing value keeps the default; strings are percent-decoded.
    expect(items(await sandesh(node1, '/Snh_VrfListReq?name=pod%2Dnetwork'), 'vrf_list')).toHaveLength(1);
    expect((await sandesh(node1, '/Snh_KNHReq?nh_id=424242')).responses[0]!.name).toBe('ErrResp');
  });

  it('answers anything else with the agent 404 page', async () => {
    for (const path of ['/', '/Snh_NoSuchReq', '/universal_parse.xsl', '/Snh_']) {
      const res = await fetch(`http://127.0.0.1:${node1}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html');
      expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toBe(
        '<html>\n<title>404 Not Found</title>\n</html>\r\n\0',
      );
    }
  });

  it('answers PageReq keys with errors as the agent does', async () => {
    const err = async (key: string) =>
      (await sandesh(node1, `/Snh_PageReq?key=${encodeURIComponent(key)}`)).responses[0]!.fields.resp;
    expect(await err('table:db.nexthop.0')).toBe('Invalid request');
    expect(await err('begin:0,end:9,table:db.vn.0,')).toBe('Invalid DBTable');
    const page = await sandesh(
      node1,
      `/Snh_PageReq?key=${encodeURIComponent('begin:0x2,end:3,table:db.nexthop.0,')}`,
    );
    expect(items(page, 'nh_list')).toHaveLength(2);
  });
});

describe('Snh_PageReq pagination over a large table', () => {
  it('walks 600+ next hops 100 at a time through the next_page links', async () => {
    const clock = new ManualClock();
    const store = new ConfigStore(clock, sequentialIds());
    const fx = new DataplaneFixture(store);
    fx.addCompute('node1', '10.85.188.20');
    const dp = new Dataplane(store, { clock });
    for (let i = 0; i < 300; i++)
      fx.addPod('ns-user-1', `pod-${i}`, 'node1', `10.47.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    const one = await IntrospectListeners.start(dp, { basePort: 0 });
    try {
      const port = one.computes[0]!.port;
      const ids: string[] = [];
      let doc = await sandesh(port, '/Snh_NhListReq');
      let pages = 0;
      for (;;) {
        pages++;
        const lists = doc.responses.filter((r) => r.name === 'NhListResp');
        // entries_per_sandesh: a response per 100 entries, then the rest (maybe empty).
        for (const r of lists.slice(0, -1)) expect(asList(r.fields.nh_list)).toHaveLength(100);
        ids.push(...items(doc, 'nh_list').map((n) => n.nh_index as string));
        const page = doc.responses.at(-1)!;
        expect(page.name).toBe('Pagination');
        const next = (page.fields.req as { next_page: string }).next_page;
        if (!next) break;
        doc = await sandesh(port, `/Snh_PageReq?key=${encodeURIComponent(next)}`);
      }
      const total = dp.router('node1')!.nh.size;
      expect(total).toBeGreaterThan(600);
      expect(pages).toBe(Math.ceil(total / 100));
      expect(new Set(ids).size).toBe(total);
    } finally {
      await one.close();
      dp.stop();
    }
  }, 30_000);

  it('walks 10k flows with KFlowReq and NextKFlowReq, 100 per page', async () => {
    const clock = new ManualClock();
    const store = new ConfigStore(clock, sequentialIds());
    const fx = new DataplaneFixture(store);
    fx.addCompute('node1', '10.85.188.20');
    const dp = new Dataplane(store, { clock, flowTable: { entries: 65536, overflowEntries: 4096 } });
    fx.addPod('ns-user-1', 'client', 'node1', '10.47.255.252');
    fx.addPod('ns-user-1', 'web', 'node1', '10.47.255.250');
    fx.addService('ns-user-1', 'svc', '10.96.0.10', [{ port: 80, targetPort: 8080 }]);
    fx.setBackends('ns-user-1/svc', ['ns-user-1/web']);
    // 5k connections: a forward and a reverse flow each.
    runTraffic(
      generateTraffic(dp, new FlowProcessor(dp), {
        from: ['ns-user-1/client'],
        to: '10.96.0.10',
        protocol: 'TCP',
        port: 80,
        flows: 5000,
      }),
    );
    expect(dp.router('node1')!.flows.size).toBe(10_000);
    const one = await IntrospectListeners.start(dp, { basePort: 0 });
    try {
      const port = one.computes[0]!.port;
      const seen = new Set<string>();
      let handle: string | null = null;
      let pages = 0;
      do {
        const doc = await sandesh(
          port,
          handle === null ? '/Snh_KFlowReq' : `/Snh_NextKFlowReq?flow_handle=${handle}`,
        );
        const resp = doc.responses[0]!;
        const list = asList(resp.fields.flow_list);
        pages++;
        if (resp.fields.flow_handle !== '0') expect(list).toHaveLength(100);
        for (const f of list) seen.add(f.index as string);
        handle = resp.fields.flow_handle as string;
      } while (handle !== '0');
      expect(seen.size).toBe(10_000);
      // The 100th page ends on the last flow but not on the last slot, so its handle points on
      // and a 101st, empty page says "0" (FlowKState::Run).
      expect(pages).toBe(101);
    } finally {
      await one.close();
      dp.stop();
    }
  }, 60_000);
});
