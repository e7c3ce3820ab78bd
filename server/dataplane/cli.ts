// Text exactly as the vRouter CLI tools print it (tf-vrouter utils/rt.c, nh.c, flow.c):
// `rt --dump <vrf>`, `nh --get <id>`, `nh --list`, `flow -l`. Pure renderers over one VRouter.

import {
  DROP_REASON_TEXT,
  FLOW_ACTION_DROP,
  FLOW_ACTION_FORWARD,
  FLOW_ACTION_HOLD,
  FLOW_ACTION_NAT,
  FLOW_FLAG_DNAT,
  FLOW_FLAG_DPAT,
  FLOW_FLAG_MODIFIED,
  FLOW_FLAG_SNAT,
  FLOW_FLAG_SPAT,
  FLOW_FLAG_VRFT,
  KERNEL_FLOW_ENTRY_BYTES,
  TCP_DEAD,
  TCP_ESTABLISHED,
  TCP_ESTABLISHED_R,
  TCP_FIN,
  TCP_FIN_R,
  TCP_HALF_CLOSE,
  TCP_RST,
  TCP_SYN,
  TCP_SYN_R,
} from './flow-table.ts';
import { formatIpv4 } from '@model/net/ipv4.ts';
import { etherNtoa, macBytes } from './ip.ts';
import type { NextHop } from './model.ts';
import type { VRouter } from './vrouter.ts';

/** The vRouter's own MAC (00:00:5e:00:01:00), source of every encap rewrite. */
const VROUTER_MAC = '00:00:5e:00:01:00';
const CONTINUATION = `\n${' '.repeat(14)}`;

const pad = (text: string | number, width: number) => String(text).padStart(width);
const padRight = (text: string | number, width: number) => String(text).padEnd(width);

// ---- rt --dump ----------------------------------------------------------------------------

export function renderRtDump(router: VRouter, vrfId: number): string {
  const vrf = router.vrfById[vrfId];
  const lines = [
    'Flags: L=Label Valid, P=Proxy ARP, T=Trap ARP, F=Flood ARP, Ml=MAC-IP learnt route',
    `vRouter inet4 routing table 0/${vrfId}/unicast`,
    'Destination           PPL        Flags        Label         Nexthop    Stitched MAC(Index)',
  ];
  const routes = vrf ? [...vrf.routes.values()].sort((a, b) => a.prefix - b.prefix) : [];
  for (const r of routes) {
    const flags = `${r.label >= 0 ? 'L' : ''}P`;
    const label = r.label >= 0 ? pad(r.label, 5) : pad('-', 5);
    const mac = r.stitchedMac ? `${etherNtoa(r.stitchedMac.mac)}(${r.stitchedMac.index})` : '-';
    const dest = padRight(`${formatIpv4(r.prefix)}/${padRight(r.plen, 2)}`, 21);
    lines.push(
      `${dest}${pad(r.plen, 4)}${' '.repeat(8)}${pad(flags, 5)}${' '.repeat(6)}${label}${' '.repeat(8)}${pad(r.nhId, 7)}${' '.repeat(8)}${mac}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// ---- nh --get / nh --list -----------------------------------------------------------------

const NH_TYPE_TEXT: Record<NextHop['type'], string> = {
  drop: 'Drop',
  receive: 'Receive',
  interface: 'Encap',
  tunnel: 'Tunnel',
  composite: 'Composite',
};

const NH_FLAGS_TEXT: Record<NextHop['type'], string> = {
  drop: 'Valid, Etree Root, ',
  receive: 'Valid, Policy(R), Etree Root, ',
  interface: 'Valid, Policy, Etree Root, ',
  tunnel: 'Valid, MPLSoUDP, Etree Root, ',
  composite: 'Valid, Policy, Ecmp, Etree Root, ',
};

/** Made-up but stable fabric MACs: 52:54:00 + the low 3 bytes of the compute IP. */
function fabricMac(ip: number): string {
  return ['52', '54', '00', ip >>> 16, ip >>> 8, ip]
    .map((b) => (typeof b === 'string' ? b : (b & 255).toString(16).padStart(2, '0')))
    .join(':');
}

function nhVrf(nh: NextHop): number {
  return nh.type === 'interface' || nh.type === 'composite' ? nh.vrfId : 0;
}

/** One `nexthop_req_process` block (ends with a blank line). */
function renderNh(router: VRouter, nh: NextHop): string {
  let text =
    `Id:${padRight(nh.id, 9)}  Type:${padRight(NH_TYPE_TEXT[nh.type], 13)}  Fmly:${pad('AF_INET', 8)}` +
    `  Rid:0  Ref_cnt:${padRight(router.refCount(nh.id), 10)} Vrf:${nhVrf(nh)}`;
  text += `${CONTINUATION}Flags:${NH_FLAGS_TEXT[nh.type]}`;
  switch (nh.type) {
    case 'receive':
      text += `${CONTINUATION}Oif:${nh.vifIndex}`;
      break;
    case 'interface': {
      const data = [...macBytes(nh.mac), ...macBytes(VROUTER_MAC), '08', '00'];
      text += `${CONTINUATION}EncapFmly:0806 Oif:${nh.vifIndex} Len:14`;
      text += `${CONTINUATION}Encap Data: ${data.map((b) => `${b} `).join('')}`;
      break;
    }
    case 'tunnel': {
      const data = [...macBytes(fabricMac(nh.dip)), ...macBytes(fabricMac(router.ip)), '08', '00'];
      text += `${CONTINUATION}Oif:0 Len:14 Data:${data.map((b) => `${b} `).join('')}`;
      text += `${CONTINUATION}Sip:${router.ipText} Dip:${nh.dipText}`;
      break;
    }
    case 'composite': {
      const state = router.ecmp.get(nh.fipUuid);
      text += `${CONTINUATION}Sub NH(label):`;
      let printed = 0;
      for (const c of state ? router.componentsOf(state) : []) {
        if (printed > 60) {
          text += `${CONTINUATION}${' '.repeat(14)}`;
          printed = 0;
        }
        const part = ` ${c.nhId}` + (c.label >= 0 ? `(${c.label})` : '');
        text += part;
        printed += part.length;
      }
      break;
    }
    case 'drop':
      break;
  }
  return `${text}\n\n`;
}

/** `nh --get <id>`: the NH, then (for a composite) each component NH in slot order. */
export function renderNhGet(router: VRouter, id: number): string | undefined {
  const nh = router.nexthops.get(id);
  if (!nh) return undefined;
  let text = renderNh(router, nh);
  if (nh.type === 'composite') {
    const state = router.ecmp.get(nh.fipUuid);
    for (const c of state ? router.componentsOf(state) : []) {
      const sub = c.nhId >= 0 ? router.nexthops.get(c.nhId) : undefined;
      if (sub) text += renderNh(router, sub);
    }
  }
  return text;
}

export function renderNhList(router: VRouter): string {
  return [...router.nexthops.values()]
    .sort((a, b) => a.id - b.id)
    .map((nh) => renderNh(router, nh))
    .join('');
}

// ---- flow -l ------------------------------------------------------------------------------

export function natFlagString(flags: number): string {
  // Bit order of the kernel flags: SNAT, SPAT, DNAT, DPAT.
  return (
    (flags & FLOW_FLAG_SNAT ? 'S' : '') +
    (flags & FLOW_FLAG_SPAT ? 'Ps' : '') +
    (flags & FLOW_FLAG_DNAT ? 'D' : '') +
    (flags & FLOW_FLAG_DPAT ? 'Pd' : '')
  );
}

/** `F`, `D(NoFipPortMap)`, `N(DPd)`… as `flow -l` prints the action. */
export function actionString(action: number, flags: number, dropReason: number): string {
  switch (action) {
    case FLOW_ACTION_HOLD:
      return 'H';
    case FLOW_ACTION_FORWARD:
      return 'F';
    case FLOW_ACTION_DROP:
      return `D(${DROP_REASON_TEXT[dropReason] ?? dropReason})`;
    case FLOW_ACTION_NAT:
      return `N(${natFlagString(flags)})`;
    default:
      return 'U';
  }
}

export function tcpFlagString(bits: number): string {
  return (
    (bits & TCP_SYN ? 'S' : '') +
    (bits & TCP_SYN_R ? 'Sr' : '') +
    (bits & TCP_ESTABLISHED ? 'E' : '') +
    (bits & TCP_ESTABLISHED_R ? 'Er' : '') +
    (bits & TCP_FIN ? 'F' : '') +
    (bits & TCP_FIN_R ? 'Fr' : '') +
    (bits & TCP_RST ? 'R' : '') +
    (bits & TCP_HALF_CLOSE ? 'C' : '') +
    (bits & TCP_DEAD ? 'D' : '')
  );
}

function breakIfLong(out: string[], printed: number): number {
  if (printed >= 70) {
    out.push('\n');
    return 0;
  }
  return printed;
}

export function renderFlowList(router: VRouter): string {
  const t = router.flows;
  const c = t.counters;
  const out: string[] = [];
  out.push(`Flow table(size ${t.capacity * KERNEL_FLOW_ENTRY_BYTES}, entries ${t.capacity})\n\n`);
  // The missing space before "Processed" is the tool's own.
  out.push(
    `Entries: Created ${c.created} Added ${c.added} Deleted ${c.deleted} Changed ${c.changed}Processed ${c.processed} Used Overflow entries ${c.overflowInUse}\n`,
  );
  out.push(`(Created Flows/CPU: ${c.created})(oflows 0)\n\n`);
  out.push('Action:F=Forward, D=Drop N=NAT(S=SNAT, D=DNAT, Ps=SPAT, Pd=DPAT, L=Link Local Port)\n');
  out.push(' Other:K(nh)=Key_Nexthop, S(nh)=RPF_Nexthop\n');
  out.push(' Flags:E=Evicted, Ec=Evict Candidate, N=New Flow, M=Modified Dm=Delete Marked\n');
  out.push('TCP(r=reverse):S=SYN, F=FIN, R=RST, C=HalfClose, E=Established, D=Dead\n\n');
  out.push(
    `    Index            ${' '.repeat(4)}Source:Port/Destination:Port                  ${' '.repeat(4)}Proto(V)\n`,
  );
  out.push(`${'-'.repeat(83)}\n`);
  const active = new Set(t.activeIndexes());
  const lastWays = new Set<number>();
  for (const i of active) lastWays.add(i < t.entries ? i - (i % 4) + 3 : -1);
  const indexes = [...new Set([...active, ...lastWays])]
    .filter((i) => i >= 0 && i < t.capacity)
    .sort((a, b) => a - b);
  for (const i of indexes) {
    const isActive = active.has(i);
    if (isActive) renderFlowEntry(router, i, out);
    const chain = i < t.entries && i % 4 === 3 ? t.overflowChain(i >> 2) : [];
    if (chain.length > 0) {
      if (!isActive) out.push(pad(i, 6));
      out.push('\n     Oflow entries:\n\t');
      let j = 0;
      for (const o of chain) {
        const part = ` ${o}`;
        out.push(part);
        j += part.length;
        if (j > 65) {
          out.push('\n     ');
          j = 0;
        }
      }
    }
    if (isActive || chain.length > 0) out.push('\n\n');
  }
  return out.join('');
}

function renderFlowEntry(router: VRouter, i: number, out: string[]): void {
  const e = router.flows.entry(i);
  const flags = e.flags;
  out.push(pad(i, 9));
  out.push(e.rflow >= 0 ? `<=>${padRight(e.rflow, 9)}` : ' '.repeat(12));
  out.push(' '.repeat(4));
  out.push(padRight(`${formatIpv4(e.sip)}:${padRight(e.sport, 5)}`, 46));
  out.push(' '.repeat(4));
  out.push(`${pad(e.proto, 3)} (${e.vrf}${flags & FLOW_FLAG_VRFT ? `->${e.dvrf}` : ''})\n`);
  out.push(`${' '.repeat(25)}${formatIpv4(e.dip)}:${padRight(e.dport, 5)}\n`);
  let line = '(';
  line += `Gen: ${e.gen}, `;
  line += `K(nh):${e.keyNh}, `;
  line += `Action:${actionString(e.action, flags, e.dropReason)}`;
  line += ', Flags:';
  if (flags & FLOW_FLAG_MODIFIED) line += 'M';
  line += ', ';
  if (e.proto === 6) line += `TCP:${tcpFlagString(e.tcpFlags)}, `;
  if (e.ecmpIndex >= 0) line += `E:${e.ecmpIndex}, `;
  line += 'QOS:-1, ';
  line += `S(nh):${e.srcNh}, `;
  out.push(line);
  let printed = breakIfLong(out, line.length);
  const stats = ` Stats:${e.packets}/${e.bytes}, `;
  out.push(stats);
  printed = breakIfLong(out, printed + stats.length);
  const sport = ` SPort ${e.underlaySport},`;
  out.push(sport);
  printed = breakIfLong(out, printed + sport.length);
  // The tool does not count the TTL field toward the line length.
  out.push(' TTL 0,');
  breakIfLong(out, printed);
  out.push(` Sinfo ${formatIpv4(e.srcInfo)})`);
}
