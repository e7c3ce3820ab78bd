import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { startSimulation, type Simulation } from '@server/simulation.ts';
import { dataplaneRoutes } from './dataplane.ts';

let sim: Simulation;
let app: ReturnType<typeof Fastify>;
let vip: string;

beforeAll(async () => {
  sim = await startSimulation({ clock: new ManualClock(), ids: sequentialIds() });
  app = Fastify();
  await app.register(dataplaneRoutes(sim.dataplane), { prefix: '/api/dataplane' });
  const lb = [...sim.store.all('loadbalancer')].find(
    (o) => o.displayName === 'ns-user-1__service-web-clusterip',
  )!;
  vip = (lb.props.loadbalancer_properties as { vip_address: string }).vip_address;
});

afterAll(async () => {
  await app.close();
  sim.stop();
});

const trace = (body: object) => app.inject({ method: 'POST', url: '/api/dataplane/trace', payload: body });

describe('/api/dataplane on the seed scenario', () => {
  it('lists one vRouter per compute node', async () => {
    const res = await app.inject('/api/dataplane/vrouters');
    expect(res.statusCode).toBe(200);
    const names = res.json().vrouters.map((v: { name: string; ip: string }) => `${v.name} ${v.ip}`);
    expect(names).toEqual(['k8s-node1 10.85.188.20', 'k8s-node2 10.85.188.21']);
  });

  it('traces client → service-web-clusterip:8888 to a webserver pod on port 80, and reuses the flow', async () => {
    const res = await trace({
      from: 'ns-user-1/client',
      to: vip,
      protocol: 'TCP',
      port: 8888,
      sourcePort: 40001,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.sourceNode).toBe('k8s-node1');
    expect(body.ecmp).toMatchObject({ slots: 2 });
    expect(body.member.pod).toMatch(/^ns-user-1\/webserver-/);
    expect(body.member.port).toBe(80);
    expect(body.dropReason).toBeNull();
    const again = (
      await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, sourcePort: 40001 })
    ).json();
    expect(again.reused).toBe(true);
    expect(again.member).toEqual(body.member);
    expect(again.flows.map((f: { index: number }) => f.index)).toEqual(
      body.flows.map((f: { index: number }) => f.index),
    );
  });

  it('prints rt, nh and flow text exactly as the vRouter CLI (golden)', async () => {
    const vrfs = (await app.inject('/api/dataplane/vrouters/k8s-node1/vrfs')).json().vrf_list;
    const podVrf = vrfs.find((v: { name: string }) => v.name.endsWith('k8s-default-pod-network')).ucindex;
    const rt = await app.inject(`/api/dataplane/vrouters/k8s-node1/cli/rt?vrf=${podVrf}`);
    expect(rt.headers['content-type']).toMatch(/^text\/plain/);
    expect(rt.body).toMatchInlineSnapshot(`
      "Flags: L=Label Valid, P=Proxy ARP, T=Trap ARP, F=Flood ARP, Ml=MAC-IP learnt route
      vRouter inet4 routing table 0/3/unicast
      Destination           PPL        Flags        Label         Nexthop    Stitched MAC(Index)
      10.47.255.252/32       32            P          -             11        2:94:1b:19:68:5e(183764)
      10.47.255.253/32       32           LP         16             12        -
      10.47.255.254/32       32            P          -             10        2:3:91:8d:f9:d9(19361)
      10.96.142.32/32        32            P          -             18        -
      10.101.150.135/32      32            P          -             16        -
      10.105.53.64/32        32            P          -             14        -
      "
    `);
    const routes = (await app.inject(`/api/dataplane/vrouters/k8s-node1/routes?vrf=${podVrf}`)).json()
      .route_list;
    const vipRoute = routes.find((r: { src_ip: string }) => r.src_ip === vip);
    const nh = await app.inject(
      `/api/dataplane/vrouters/k8s-node1/cli/nh?id=${vipRoute.path_list[0].nh.nh_index}`,
    );
    expect(nh.body).toMatchInlineSnapshot(`
      "Id:14         Type:Composite      Fmly: AF_INET  Rid:0  Ref_cnt:2          Vrf:3
                    Flags:Valid, Policy, Ecmp, Etree Root, 
                    Sub NH(label): 10(16) 12(16)

      Id:10         Type:Encap          Fmly: AF_INET  Rid:0  Ref_cnt:9          Vrf:3
                    Flags:Valid, Policy, Etree Root, 
                    EncapFmly:0806 Oif:3 Len:14
                    Encap Data: 02 03 91 8d f9 d9 00 00 5e 00 01 00 08 00 

      Id:12         Type:Tunnel         Fmly: AF_INET  Rid:0  Ref_cnt:9          Vrf:0
                    Flags:Valid, MPLSoUDP, Etree Root, 
                    Oif:0 Len:14 Data:52 54 00 55 bc 15 52 54 00 55 bc 14 08 00 
                    Sip:10.85.188.20 Dip:10.85.188.21

      "
    `);
    const flow = await app.inject('/api/dataplane/vrouters/k8s-node1/cli/flow');
    expect(flow.body).toMatchInlineSnapshot(`
      "Flow table(size 68157440, entries 532480)

      Entries: Created 2 Added 2 Deleted 0 Changed 0Processed 2 Used Overflow entries 0
      (Created Flows/CPU: 2)(oflows 0)

      Action:F=Forward, D=Drop N=NAT(S=SNAT, D=DNAT, Ps=SPAT, Pd=DPAT, L=Link Local Port)
       Other:K(nh)=Key_Nexthop, S(nh)=RPF_Nexthop
       Flags:E=Evicted, Ec=Evict Candidate, N=New Flow, M=Modified Dm=Delete Marked
      TCP(r=reverse):S=SYN, F=FIN, R=RST, C=HalfClose, E=Established, D=Dead

          Index                Source:Port/Destination:Port                      Proto(V)
      -----------------------------------------------------------------------------------
           2956<=>451680       10.47.255.254:80                                    6 (3)
                               10.47.255.252:40001
      (Gen: 1, K(nh):10, Action:N(SPs), Flags:, TCP:S, QOS:-1, S(nh):10,  Stats:0/0, 
       SPort 55378, TTL 0, Sinfo 3.0.0.0)

         451680<=>2956         10.47.255.252:40001                                 6 (3)
                               10.105.53.64:8888 
      (Gen: 1, K(nh):11, Action:N(DPd), Flags:, TCP:S, E:0, QOS:-1, S(nh):11, 
       Stats:2/128,  SPort 58247, TTL 0, Sinfo 4.0.0.0)

      "
    `);
  });

  it('counts generated flows per member', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/dataplane/traffic',
      payload: { from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 8888, flows: 200 },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.members).toHaveLength(2);
    expect(body.members.reduce((n: number, m: { flows: number }) => n + m.flows, 0)).toBe(200);
    for (const m of body.members) expect(m.port).toBe(80);
  });

  it('answers bad input with 400 and unknown objects with 404', async () => {
    expect((await trace({ from: 'client', to: vip, protocol: 'TCP', port: 8888 })).statusCode).toBe(400);
    expect(
      (await trace({ from: 'ns-user-1/client', to: 'nope', protocol: 'TCP', port: 8888 })).statusCode,
    ).toBe(400);
    expect((await trace({ from: 'ns-user-1/client', to: vip, protocol: 'GRE', port: 8888 })).statusCode).toBe(
      400,
    );
    expect(
      (await trace({ from: 'ns-user-1/client', to: vip, protocol: 'TCP', port: 70000 })).statusCode,
    ).toBe(400);
    const missing = await trace({ from: 'ns-user-1/ghost', to: vip, protocol: 'TCP', port: 8888 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('pod ns-user-1/ghost has no interface on any vRouter');
    expect((await app.inject('/api/dataplane/vrouters/nowhere/vrfs')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/routes')).statusCode).toBe(400);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/routes?vrf=99')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops/x')).statusCode).toBe(400);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/nexthops/9999')).statusCode).toBe(404);
    expect((await app.inject('/api/dataplane/vrouters/k8s-node1/cli/nh?id=9999')).statusCode).toBe(404);
  });
});
