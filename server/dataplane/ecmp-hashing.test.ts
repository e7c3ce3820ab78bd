import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildConfigApi } from '@server/config-api/http.ts';
import { renderNhGet } from '@server/vrouter-cli/nh.ts';
import { knhRow } from './kstate.ts';
import { buildTwoComputes, componentNames, sendFrom, VIP, vipRoute, type Env } from './testing/setup.ts';
import { tracePacket } from './trace.ts';

// ecmp_hashing_include_fields set through the config API (the VNC REST calls a user makes) and
// followed by every agent: VMI (when hashing_configured) > its VN > global-vrouter-config > all
// (tf-controller src/vnsw/agent/oper/vm_interface_config.cc BuildEcmpHashingIncludeFields,
// oper/global_vrouter.cc).

let api: FastifyInstance | undefined;
afterEach(() => api?.close());

function withApi(env: Env) {
  api = buildConfigApi({ store: env.store });
  const call = async (method: 'POST' | 'PUT', url: string, body: object) => {
    const res = await api!.inject({
      method,
      url,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  return call;
}

const only = (...fields: string[]) => ({
  hashing_configured: true,
  source_ip: fields.includes('source_ip'),
  destination_ip: fields.includes('destination_ip'),
  ip_protocol: fields.includes('ip_protocol'),
  source_port: fields.includes('source_port'),
  destination_port: fields.includes('destination_port'),
});

const trace = (env: Env, sourcePort: number) =>
  tracePacket(env.dp, env.processor, {
    from: 'ns-user-1/client',
    to: VIP,
    protocol: 'TCP',
    port: 8888,
    sourcePort,
  });

function validHashKeyLine(env: Env, node: string): string | undefined {
  const { router, nh } = vipRoute(env, node);
  const row = (id: number) => {
    const n = router.nh.get(id);
    return n ? knhRow(router, n) : undefined;
  };
  const text = [...renderNhGet(row(nh.id)!, row)].join('');
  return text
    .split('\n')
    .find((l) => l.includes('Valid Hash Key Parameters'))
    ?.trim();
}

/** First-level slots of 200 new flows from the client. */
function slotsOf(env: Env, from: number): Set<number> {
  const slots = new Set<number>();
  for (let sport = from; sport < from + 200; sport++) slots.add(sendFrom(env, 'client', sport).slot);
  return slots;
}

describe('ecmp_hashing_include_fields', () => {
  it('hashes over all five fields when nothing is configured', () => {
    const env = buildTwoComputes();
    expect(trace(env, 40000).ecmp!.hashFields).toEqual([
      'l3-source-address',
      'l3-destination-address',
      'l4-protocol',
      'l4-source-port',
      'l4-destination-port',
    ]);
    expect(validHashKeyLine(env, 'node1')).toBe(
      'Valid Hash Key Parameters: Proto,SrcIP,SrcPort,DstIp,DstPort',
    );
    expect(slotsOf(env, 10_000)).toEqual(new Set([0, 1]));
  });

  it('follows a global-vrouter-config created through the config API: source address only pins a client to one slot', async () => {
    const env = buildTwoComputes();
    const call = withApi(env);
    await call('POST', '/global-vrouter-configs', {
      'global-vrouter-config': {
        fq_name: ['default-global-system-config', 'default-global-vrouter-config'],
        parent_type: 'global-system-config',
        ecmp_hashing_include_fields: only('source_ip'),
      },
    });
    const t = trace(env, 40000);
    expect(t.ecmp!.hashFields).toEqual(['l3-source-address']);
    expect(validHashKeyLine(env, 'node1')).toBe('Valid Hash Key Parameters: SrcIP,');
    // Only the router id and the client's address are hashed: every new flow takes one slot.
    expect(slotsOf(env, 10_000)).toEqual(new Set([t.ecmp!.slot]));
  });

  it('lets a virtual-network override the global setting, and a VMI override its network', async () => {
    const env = buildTwoComputes();
    const call = withApi(env);
    const gvc = await call('POST', '/global-vrouter-configs', {
      'global-vrouter-config': {
        fq_name: ['default-global-system-config', 'default-global-vrouter-config'],
        parent_type: 'global-system-config',
        ecmp_hashing_include_fields: only('source_ip'),
      },
    });
    expect(gvc['global-vrouter-config'].uuid).toBeTruthy();
    // The backends' network (the pod network): its VMIs export the VIP with its fields.
    await call('PUT', `/virtual-network/${env.fx.podVn.uuid}`, {
      'virtual-network': { ecmp_hashing_include_fields: only('source_port') },
    });
    expect(trace(env, 40000).ecmp!.hashFields).toEqual(['l4-source-port']);
    expect(validHashKeyLine(env, 'node1')).toBe('Valid Hash Key Parameters: SrcPort,');
    expect(slotsOf(env, 10_000)).toEqual(new Set([0, 1]));

    // web-a's VMI: node1 has the lower address, so its path is the control node's best and its
    // attributes (the load balance among them) are what every compute receives.
    const webA = env.fx.podVmi('ns-user-1', 'web-a');
    await call('PUT', `/virtual-machine-interface/${webA.uuid}`, {
      'virtual-machine-interface': {
        ecmp_hashing_include_fields: only('destination_ip', 'destination_port'),
      },
    });
    expect(trace(env, 40000).ecmp!.hashFields).toEqual(['l3-destination-address', 'l4-destination-port']);
    expect(validHashKeyLine(env, 'node1')).toBe('Valid Hash Key Parameters: DstIp,DstPort');
    // Neither field varies between the client's flows to the VIP: one slot for all of them.
    expect(slotsOf(env, 20_000).size).toBe(1);

    // hashing_configured false: the VMI falls back to its network again.
    await call('PUT', `/virtual-machine-interface/${webA.uuid}`, {
      'virtual-machine-interface': { ecmp_hashing_include_fields: { hashing_configured: false } },
    });
    expect(trace(env, 40000).ecmp!.hashFields).toEqual(['l4-source-port']);
  });

  it('moves new flows but keeps established ones on their member (affinity)', async () => {
    const env = buildTwoComputes();
    const call = withApi(env);
    const before = new Map<number, string>();
    for (let sport = 30_000; sport < 30_200; sport++)
      before.set(sport, sendFrom(env, 'client', sport).member!.podKey!);
    expect(new Set(before.values()).size).toBe(3);
    await call('POST', '/global-vrouter-configs', {
      'global-vrouter-config': {
        fq_name: ['default-global-system-config', 'default-global-vrouter-config'],
        parent_type: 'global-system-config',
        ecmp_hashing_include_fields: only('source_ip', 'destination_ip'),
      },
    });
    for (const [sport, member] of before) expect(sendFrom(env, 'client', sport).member!.podKey).toBe(member);
    // New flows: one pick on node1 for the client → VIP pair, and one on node2 too.
    const after = new Set<string>();
    for (let sport = 50_000; sport < 50_200; sport++)
      after.add(sendFrom(env, 'client', sport).member!.podKey!);
    expect(after.size).toBe(1);
    // The composites themselves did not change.
    expect(componentNames(env, vipRoute(env, 'node1').nh)).toEqual(['web-a', 'tunnel 10.85.188.21']);
  });
});
