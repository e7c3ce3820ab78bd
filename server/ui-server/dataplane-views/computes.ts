// Which computes the UI server reads, and where each one's agent introspect listens: the config
// API's `virtual-router` objects (name, `virtual_router_ip_address`; introspect at
// `http(s)://<ip>:8085`), overridden per compute by VROUTER_INTROSPECT, and the embedded
// simulation's own listeners (which come and go with its computes). The allowlist the introspect
// client checks before every request is this list. Knows nothing of the records.

import { NotFound } from '../../errors.ts';
import type { ConfigApiClient } from '../config-api-client.ts';
import type { IntrospectEndpoint } from '../ports.ts';

/** HttpPortAgent (contrail-common base/contrail_ports.h): the vRouter agent's introspect port. */
export const AGENT_INTROSPECT_PORT = 8085;

export interface Compute {
  /** The virtual-router's name (the Kubernetes node name under kube-manager). */
  name: string;
  /** `virtual_router_ip_address`; empty for a compute only VROUTER_INTROSPECT names. */
  ip: string;
  /** Its introspect base URL. */
  url: string;
  /** Where the URL came from. */
  source: 'virtual-router' | 'VROUTER_INTROSPECT' | 'simulation';
}

export interface ComputeDirectoryOptions {
  configApi: ConfigApiClient;
  /** VROUTER_INTROSPECT: compute name → introspect base URL. */
  override?: ReadonlyMap<string, string>;
  /** The embedded simulation's listeners, asked at every refresh (they change with the computes). */
  embedded?: () => readonly IntrospectEndpoint[];
  /** `https` when introspect SSL is on (INTROSPECT_SSL_ENABLE). */
  scheme?: 'http' | 'https';
  /** How long a list read from the config API is used (default 10 s). */
  ttlMs?: number;
  now?: () => number;
}

/** `name=url,name=url` (VROUTER_INTROSPECT) → a map; a bad entry is an error naming it. */
export function parseIntrospectOverride(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    let parsed: URL | undefined;
    try {
      parsed = at > 0 ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!name || !parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw new Error(`"${entry}" is not <compute>=<http(s)://host:port>`);
    out.set(name, parsed.origin + parsed.pathname.replace(/\/+$/, ''));
  }
  return out;
}

export class ComputeDirectory {
  private computes: Compute[] = [];
  private origins = new Set<string>();
  private loadedAt = -Infinity;
  private loading: Promise<Compute[]> | null = null;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: ComputeDirectoryOptions) {
    this.ttlMs = opts.ttlMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether an origin is a known compute's introspect (the introspect client's allowlist). */
  allows(origin: string): boolean {
    return this.origins.has(origin);
  }

  /** Forgets the list, so the next read asks the config API again (a virtual-router changed). */
  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  /** Every known compute in name order, read again when older than the TTL. */
  async list(): Promise<Compute[]> {
    if (this.now() - this.loadedAt < this.ttlMs && !this.embeddedChanged()) return this.computes;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /** One compute by name, or NotFound naming the known ones. */
  async get(name: string): Promise<Compute> {
    const computes = await this.list();
    const found = computes.find((c) => c.name === name);
    if (!found)
      throw new NotFound(`no compute ${name}; computes: ${computes.map((c) => c.name).join(', ') || 'none'}`);
    return found;
  }

  /** The compute whose vhost0 address is `ip` (a tunnel's destination), from the last list. */
  byIp(ip: string): Compute | undefined {
    return this.computes.find((c) => c.ip === ip);
  }

  private embeddedChanged(): boolean {
    const embedded = this.opts.embedded?.() ?? [];
    return (
      embedded.some((e) => !this.computes.some((c) => c.name === e.name && c.url === e.url)) ||
      this.computes.some((c) => c.source === 'simulation' && !embedded.some((e) => e.name === c.name))
    );
  }

  private async load(): Promise<Compute[]> {
    const routers = await this.opts.configApi.listFields('virtual-router', ['virtual_router_ip_address']);
    const scheme = this.opts.scheme ?? 'http';
    const embedded = new Map((this.opts.embedded?.() ?? []).map((e) => [e.name, e.url]));
    const override = this.opts.override ?? new Map<string, string>();
    const byName = new Map<string, Compute>();
    for (const vr of routers) {
      const name = Array.isArray(vr.fq_name) ? String(vr.fq_name.at(-1)) : String(vr.name ?? '');
      const ip = typeof vr.virtual_router_ip_address === 'string' ? vr.virtual_router_ip_address : '';
      if (!name) continue;
      const url =
        embedded.get(name) ?? override.get(name) ?? (ip ? `${scheme}://${ip}:${AGENT_INTROSPECT_PORT}` : '');
      if (!url) continue;
      byName.set(name, {
        name,
        ip,
        url,
        source: embedded.has(name)
          ? 'simulation'
          : override.has(name)
            ? 'VROUTER_INTROSPECT'
            : 'virtual-router',
      });
    }
    for (const [name, url] of [...override, ...embedded])
      if (!byName.has(name))
        byName.set(name, {
          name,
          ip: '',
          url,
          source: embedded.has(name) ? 'simulation' : 'VROUTER_INTROSPECT',
        });
    this.computes = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.origins = new Set(this.computes.map((c) => new URL(c.url).origin));
    this.loadedAt = this.now();
    return this.computes;
  }
}
