// The filter box of each dataplane table, read into the server's query (model/api/dataplane-views.ts):
// an address or prefix, a next-hop id, `ip:port`, `pod:`/`svc:`/`vip:` and `type:` become the
// structured filters the server indexes; every other word goes to `q`, which needs all its words
// in a row. Pure, so what a typed filter asks for is testable without a server.

import type { TableFilters } from '@web/api/dataplane.ts';
import { isIpv4, tryParseCidr } from '@model/net/ipv4.ts';

export type SortOrder = 'asc' | 'desc';

const NH_TYPES = ['composite', 'interface', 'tunnel', 'receive', 'discard', 'resolve', 'vrf'] as const;
type NhType = (typeof NH_TYPES)[number];

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

const rest = (others: string[]) => (others.length > 0 ? { q: others.join(' ') } : {});

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535;
}

function isObjectKey(text: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(text);
}

export function routeFilters(text: string): Omit<TableFilters['routes'], 'vrf' | 'sort' | 'order'> {
  const out: { prefix?: string; nh?: number } = {};
  const others: string[] = [];
  for (const word of words(text)) {
    const nh = /^nh[:=](\d{1,10})$/i.exec(word);
    if (out.prefix === undefined && (isIpv4(word) || tryParseCidr(word))) out.prefix = word;
    else if (out.nh === undefined && nh) out.nh = Number(nh[1]);
    else others.push(word);
  }
  return { ...out, ...rest(others) };
}

export function nexthopFilters(text: string): Omit<TableFilters['nexthops'], 'sort' | 'order'> {
  const out: { vip?: string; type?: NhType } = {};
  const others: string[] = [];
  for (const word of words(text)) {
    const type = /^type[:=](\w+)$/i.exec(word)?.[1]?.toLowerCase();
    const vip = /^(?:vip[:=])?(\d+\.\d+\.\d+\.\d+)$/i.exec(word)?.[1];
    if (out.vip === undefined && vip !== undefined && isIpv4(vip)) out.vip = vip;
    else if (out.type === undefined && type && (NH_TYPES as readonly string[]).includes(type))
      out.type = type as NhType;
    else others.push(word);
  }
  return { ...out, ...rest(others) };
}

export function interfaceFilters(text: string): Omit<TableFilters['interfaces'], 'order'> {
  return rest(words(text));
}

export function flowFilters(text: string): Omit<TableFilters['flows'], 'sort' | 'order'> {
  const out: { ip?: string; port?: number; vip?: string; pod?: string; service?: string } = {};
  const others: string[] = [];
  for (const word of words(text)) {
    const [head, tail] = splitOnce(word);
    const key = head.toLowerCase();
    if (key === 'vip' && out.vip === undefined && isIpv4(tail)) out.vip = tail;
    else if (key === 'pod' && out.pod === undefined && isObjectKey(tail)) out.pod = tail;
    else if ((key === 'svc' || key === 'service') && out.service === undefined && isObjectKey(tail))
      out.service = tail;
    else if (key === 'port' && out.port === undefined && isPort(tail)) out.port = Number(tail);
    else if (
      out.ip === undefined &&
      isIpv4(head) &&
      (tail === '' || isPort(tail)) &&
      (tail === '' || out.port === undefined)
    ) {
      out.ip = head;
      if (tail !== '') out.port = Number(tail);
    } else if (head === '' && out.port === undefined && isPort(tail)) out.port = Number(tail);
    else others.push(word);
  }
  return { ...out, ...rest(others) };
}

/** `a:b` → [a, b]; `a` → [a, '']. */
function splitOnce(word: string): [string, string] {
  const at = word.indexOf(':');
  return at < 0 ? [word, ''] : [word.slice(0, at), word.slice(at + 1)];
}
