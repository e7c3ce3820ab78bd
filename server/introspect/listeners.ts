// One introspect listener per simulated compute, as each real compute's agent listens on its own
// :8085: computes present at start get consecutive ports from the base in node-name order, a
// compute that appears later the next port after the highest in use; a compute that goes away
// closes its listener. Follows the dataplane's update feed; owns no model state.

import type { Dataplane } from '@server/dataplane/dataplane.ts';
import type { IntrospectTarget } from './agent-requests.ts';
import { listenIntrospect, type IntrospectListener } from './server.ts';

/** The agent's default introspect port (HttpPortAgent in contrail-common base/contrail_ports.h). */
export const DEFAULT_INTROSPECT_PORT = 8085;

export interface ComputeListener {
  readonly node: string;
  readonly port: number;
}

export interface IntrospectListenersOptions {
  /** The first port; 0 gives every compute any free port (tests). */
  basePort: number;
  host?: string;
  onError?: (err: unknown) => void;
  /** Told about every listener started after the initial ones (and every one closed). */
  onChange?: (event: { kind: 'opened' | 'closed'; node: string; port: number }) => void;
}

export class IntrospectListeners {
  private readonly open = new Map<string, IntrospectListener & { since: number }>();
  private unsubscribe: (() => void) | null = null;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly dataplane: Dataplane,
    private readonly opts: IntrospectListenersOptions,
  ) {}

  /** Starts a listener for every compute, then follows compute additions and removals. */
  static async start(dataplane: Dataplane, opts: IntrospectListenersOptions): Promise<IntrospectListeners> {
    const listeners = new IntrospectListeners(dataplane, opts);
    await listeners.sync(false);
    listeners.unsubscribe = dataplane.onUpdate(() => {
      listeners.syncing = listeners.syncing
        .then(() => listeners.sync(true))
        .catch((err: unknown) => opts.onError?.(err));
    });
    return listeners;
  }

  /** The listeners in node order. */
  get computes(): ComputeListener[] {
    return [...this.open]
      .map(([node, l]) => ({ node, port: l.port }))
      .sort((a, b) => (a.node < b.node ? -1 : 1));
  }

  private target(node: string, since: number): IntrospectTarget {
    const dp = this.dataplane;
    return {
      router: () => dp.router(node),
      controlNode: () => dp.controlNode.address,
      connectedSince: () => since,
      now: () => dp.clock.now(),
    };
  }

  private nextPort(): number {
    if (this.opts.basePort === 0) return 0;
    let port = this.opts.basePort;
    for (const l of this.open.values()) port = Math.max(port, l.port + 1);
    return port;
  }

  private async sync(notify: boolean): Promise<void> {
    if (this.stopped) return;
    const nodes = [...this.dataplane.routers.keys()].sort();
    for (const [node, l] of Array.from(this.open))
      if (!this.dataplane.routers.has(node)) {
        this.open.delete(node);
        await l.close();
        if (notify) this.opts.onChange?.({ kind: 'closed', node, port: l.port });
      }
    for (const node of nodes) {
      if (this.open.has(node) || this.stopped) continue;
      const since = this.dataplane.clock.now();
      const listener = await listenIntrospect(this.target(node, since), {
        port: this.nextPort(),
        ...(this.opts.host ? { host: this.opts.host } : {}),
        ...(this.opts.onError ? { onError: this.opts.onError } : {}),
      });
      this.open.set(node, { ...listener, since });
      if (notify) this.opts.onChange?.({ kind: 'opened', node, port: listener.port });
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.syncing;
    await Promise.all([...this.open.values()].map((l) => l.close()));
    this.open.clear();
  }
}
