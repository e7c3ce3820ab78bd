import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KDropStatsReq, KDropStatsResp } from '@model/dataplane/sandesh/kstate.ts';
import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import {
  interfacesInDbOrder,
  itfSandeshData,
  nexthopsInDbOrder,
  nhSandeshData,
  sandeshFlowData,
} from '@server/dataplane/agent-records.ts';
import { Dataplane } from '@server/dataplane/dataplane.ts';
import { FlowProcessor } from '@server/dataplane/flow-processor.ts';
import { kflowRow, knhRow } from '@server/dataplane/kstate.ts';
import { DataplaneFixture } from '@server/dataplane/testing/fixture.ts';
import { generateTraffic, runTraffic } from '@server/dataplane/trace.ts';
import { sequentialIds } from '@server/ids.ts';
import { routeKey } from '@server/dataplane/vrouter.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { IntrospectListeners } from '@server/introspect/listeners.ts';
import { SandeshXmlWriter, XSL_PROCESSING_INSTRUCTION } from '@server/introspect/sandesh-xml.ts';
import { AgentIntrospect } from './agent.ts';
import { IntrospectClient, IntrospectError, type IntrospectClientOptions } from './client.ts';

// The client against a simulated compute's introspect (pages, flow handles, kernel dumps, one
// flow's record), and its transport rules against small servers that misbehave on purpose.

const noWait = async () => undefined;

function client(allowed: (origin: string) => boolean, opts: Partial<IntrospectClientOptions> = {}) {
  return new IntrospectClient({ allows: allowed, sleep: noWait, ...opts });
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const dropStatsXml = () => {
  let xml = XSL_PROCESSING_INSTRUCTION;
  const w = new SandeshXmlWriter((c) => (xml += c));
  w.response(KDropStatsResp, { ds_rid: 0, ds_flow_action_drop: 7 } as never, false);
  w.flush();
  return xml;
};

describe('AgentIntrospect on a simulated compute', () => {
  const clock = new ManualClock();
  const store = new ConfigStore(clock, sequentialIds());
  const fx = new DataplaneFixture(store);
  let dp: Dataplane;
  let listeners: IntrospectListeners;
  let url: string;
  let agent: AgentIntrospect;
  let http: IntrospectClient;
  let allowed = true;

  beforeAll(async () => {
    fx.addCompute('node1', '10.85.188.20');
    dp = new Dataplane(store, { clock, flowTable: { entries: 16384, overflowEntries: 1024 } });
    for (let i = 0; i < 300; i++)
      fx.addPod('ns-user-1', `pod-${i}`, 'node1', `10.47.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    fx.addService('ns-user-1', 'svc', '10.96.0.10', [{ port: 80, targetPort: 8080 }]);
    fx.setBackends('ns-user-1/svc', ['ns-user-1/pod-1', 'ns-user-1/pod-2']);
    runTraffic(
      generateTraffic(dp, new FlowProcessor(dp), {
        from: ['ns-user-1/pod-0'],
        to: '10.96.0.10',
        protocol: 'TCP',
        port: 80,
        flows: 1050,
      }),
    );
    listeners = await IntrospectListeners.start(dp, { basePort: 0 });
    url = `http://127.0.0.1:${listeners.computes[0]!.port}`;
    http = client((origin) => allowed && origin === url);
    agent = new AgentIntrospect(http, url, 'node1');
  });

  afterAll(async () => {
    await http.close();
    await listeners.close();
    dp.stop();
  });

  it('reads the whole next-hop table through every Pagination page, exactly as the agent holds it', async () => {
    const router = dp.router('node1')!;
    expect(router.nh.size).toBeGreaterThan(600);
    const table = await agent.nexthops();
    expect(table.tableSize).toBe(router.nh.size);
    expect(table.items).toEqual(nexthopsInDbOrder(router).map((nh) => nhSandeshData(router, nh)));
  });

  it('reads interfaces (with their floating IPs and port maps) and the kernel next hops', async () => {
    const router = dp.router('node1')!;
    const itfs = await agent.interfaces();
    expect(itfs.items).toEqual(interfacesInDbOrder(router).map((v) => itfSandeshData(router, v)));
    const knh = (await agent.knhs()).find((n) => n.type === 'COMPOSITE')!;
    const {
      nhr_flags: _flags,
      nhr_ecmp_config_hash: _hash,
      ...declared
    } = knhRow(router, router.nh.get(knh.id)!);
    expect(knh).toEqual(declared);
    expect(await agent.knh(999_999)).toBeNull();
  });

  it('follows flow_handle through every page of the kernel flow table, and finds one flow by its key', async () => {
    const router = dp.router('node1')!;
    const pages: number[] = [];
    const flows = await agent.kflows((page) => void pages.push(page.length));
    expect(flows).toHaveLength(router.flows.size);
    expect(router.flows.size).toBe(2100);
    expect(pages.slice(0, 21)).toEqual(Array(21).fill(100));
    const first = flows[0]!;
    const want = kflowRow(router, first.index);
    expect(first).toMatchObject({
      index: want.index,
      sip: want.sip,
      dip: want.dip,
      dport: want.dport,
      action: want.action,
    });
    const record = await agent.flowRecord({
      nh: first.nhid,
      sip: first.sip,
      dip: first.dip,
      src_port: first.sport,
      dst_port: first.dport,
      protocol: first.proto,
    });
    expect(record).toMatchObject({ flow_handle: first.index, sip: first.sip, dst_port: first.dport });
    expect(record!.nat).toBe(sandeshFlowData(router, first.index).nat);
    expect(
      await agent.flowRecord({
        nh: first.nhid,
        sip: first.sip,
        dip: first.dip,
        src_port: 1,
        dst_port: 1,
        protocol: 6,
      }),
    ).toBeNull();
  });

  it('reads the first flow page, the flow tables, and the flows filed under the VIP route', async () => {
    const router = dp.router('node1')!;
    const first = await agent.kflowsFirstPage();
    expect(first.more).toBe(true);
    expect(first.flows.map((f) => f.index)).toEqual([...router.flows.activeIndexes()].slice(0, 100));
    const tables = await agent.flowTables();
    expect(tables).toMatchObject({ flow_count: 2100, total_added: router.flows.counters.created });
    expect(tables.table_list.map((t) => [t.index, t.count])).toEqual([[0, 2100]]);
    const vrf = router.vrfById.find((v) => v.routes.has(routeKey(parseIpv4('10.96.0.10'), 32)))!.id;
    const routed = await agent.routeFlows(0, vrf, '10.96.0.10', 32);
    const toVip = routed.filter((f) => f.dip === '10.96.0.10');
    expect(toVip).toHaveLength(1050);
    expect(toVip.every((f) => f.dst_port === 80 && f.ecmp_index !== undefined)).toBe(true);
    // Records parse back to exactly what the agent wrote.
    const lowest = routed.reduce((a, b) => (b.flow_handle < a.flow_handle ? b : a));
    expect(lowest).toEqual(sandeshFlowData(router, lowest.flow_handle));
    expect(await agent.routeFlows(0, vrf, '10.96.0.11', 32)).toEqual([]);
  });

  it('answers an agent error as one: a route table of a VRF the agent does not have', async () => {
    await expect(agent.routes(4000)).rejects.toThrow(/node1 Inet4UcRouteReq: ErrorResp "Invalid Input !!!"/);
  });

  it('never follows a page link to a compute that is no longer known', async () => {
    let calls = 0;
    const gate = new AgentIntrospect(
      client((origin) => origin === url && calls++ === 0),
      url,
      'node1',
    );
    const err = await gate.nexthops().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntrospectError);
    expect((err as IntrospectError).reason).toBe('not-allowed');
    expect(calls).toBe(2);
    allowed = false;
    await expect(agent.vrfs()).rejects.toThrow(`${url} is not the introspect of a known compute`);
    allowed = true;
  });
});

describe('IntrospectClient transport', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const s = createServer(handler);
    servers.push(s);
    return listen(s);
  };

  it('never connects to a host it is not allowed to', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      res.end(dropStatsXml());
    });
    const err = await client(() => false)
      .request(base, KDropStatsReq)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'not-allowed' });
    expect(hits).toBe(0);
  });

  it('retries a 5xx with doubling backoff, but never a 4xx', async () => {
    let hits = 0;
    const flaky = await serve((_req, res) => {
      hits++;
      if (hits < 3) res.writeHead(503).end('busy');
      else res.writeHead(200, { 'content-type': 'text/xml' }).end(dropStatsXml());
    });
    const waits: number[] = [];
    const c = client(() => true, { sleep: async (ms) => void waits.push(ms) });
    const stats = await new AgentIntrospect(c, flaky, 'n').kdropStats();
    expect(stats.ds_flow_action_drop).toBe(7);
    expect(hits).toBe(3);
    expect(waits).toEqual([100, 200]);

    let notFound = 0;
    const missing = await serve((_req, res) => {
      notFound++;
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<html>\n<title>404 Not Found</title>\n</html>\r\n\0');
    });
    const err = await new AgentIntrospect(c, missing, 'n').kdropStats().catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'status', status: 404 });
    expect((err as IntrospectError).message).toContain(
      'answered 404: <html> <title>404 Not Found</title> </html>',
    );
    expect(notFound).toBe(1);
    await c.close();
  });

  it('gives up on a compute that refuses connections or never answers, after its retries', async () => {
    const closed = await serve(() => undefined);
    const port = new URL(closed).port;
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    const c = client(() => true);
    const refused = await new AgentIntrospect(c, `http://127.0.0.1:${port}`, 'n')
      .kdropStats()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'unreachable' });
    expect((refused as Error).message).toContain('ECONNREFUSED');
    let hits = 0;
    const silent = await serve(() => void hits++);
    const slow = client(() => true, { timeoutMs: 30, retries: 1 });
    const late = await new AgentIntrospect(slow, silent, 'n').kdropStats().catch((e: unknown) => e);
    expect(late).toMatchObject({ reason: 'timeout' });
    expect(hits).toBe(2);
    await Promise.all([c.close(), slow.close()]);
  });

  it('refuses an answer that is not Sandesh XML, without retrying it', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<KDropStatsResp type="sandesh"><ds_rid type="u16" identifier="1">x');
    });
    const err = await new AgentIntrospect(
      client(() => true),
      base,
      'n',
    )
      .kdropStats()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'body' });
    expect(hits).toBe(1);
  });
});

describe('introspect SSL: a CA and a client certificate', () => {
  let dir: string;
  let base: string;
  const server = { close: () => undefined as unknown };
  const pem = (name: string) => readFileSync(join(dir, name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'introspect-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ca = (name: string) => {
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
      );
    };
    const leaf = (name: string, signer: string, ext: string) => {
      writeFileSync(join(dir, `${name}.ext`), ext);
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      );
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${signer}.pem`,
        '-CAkey',
        `${signer}.key`,
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
    };
    ca('ca');
    ca('other-ca');
    leaf('agent', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    leaf('explorer', 'ca', 'extendedKeyUsage=clientAuth\n');
    leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
    // The agent's HTTPS introspect asks for a client certificate and accepts only its CA's.
    const https = createHttpsServer(
      {
        key: pem('agent.key'),
        cert: pem('agent.pem'),
        ca: pem('ca.pem'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res
          .writeHead(200, { 'content-type': 'text/xml', 'x-peer': peer.subject?.CN ?? '' })
          .end(dropStatsXml());
      },
    );
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    base = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
    server.close = () => {
      https.closeAllConnections();
      https.close();
    };
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (tls: IntrospectClientOptions['tls']) => {
    const c = client((origin) => origin === base, { ...(tls ? { tls } : {}), retries: 0 });
    try {
      return await new AgentIntrospect(c, base, 'tls').kdropStats();
    } finally {
      await c.close();
    }
  };

  it('reads over HTTPS with the CA and the client certificate', async () => {
    const stats = await read({ ca: pem('ca.pem'), cert: pem('explorer.pem'), key: pem('explorer.key') });
    expect(stats.ds_flow_action_drop).toBe(7);
  });

  it('fails without a client certificate, with one from another CA, or without the agent CA', async () => {
    await expect(read({ ca: pem('ca.pem') })).rejects.toMatchObject({ reason: 'unreachable' });
    await expect(
      read({ ca: pem('ca.pem'), cert: pem('stranger.pem'), key: pem('stranger.key') }),
    ).rejects.toMatchObject({
      reason: 'unreachable',
    });
    await expect(
      read({ ca: pem('other-ca.pem'), cert: pem('explorer.pem'), key: pem('explorer.key') }),
    ).rejects.toMatchObject({
      reason: 'unreachable',
    });
  });
});
