// Watches: one subscription to the cluster's change feed fanned out to every open watch, each
// event serialized once per form and shared, selector transitions turned into ADDED/DELETED as
// the API server's watch cache does, bookmarks on request, and a stream that falls too far behind
// closed (the client re-watches from its last resourceVersion).

import type { ServerResponse } from 'node:http';
import type { Kind, KubeObject } from '@model/kubernetes/types.ts';
import type { Cluster, WatchEvent } from '../cluster/cluster.ts';
import type { ObjectPredicate } from './selectors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** How one watch renders an object (plain, or a one-row Table for kubectl get -w). */
export type Render = ((o: KubeObject) => unknown) | undefined;

export interface WatchSpec {
  readonly kind: Kind;
  readonly apiVersion: string;
  readonly namespace?: string | undefined;
  readonly matches: ObjectPredicate;
  readonly render: Render;
  readonly bookmarks: boolean;
}

/** A stream further behind than this many bytes is closed. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

interface Watcher extends WatchSpec {
  readonly res: ServerResponse;
  lastSentVersion: number;
}

export class WatchHub {
  private readonly byKind = new Map<Kind, Set<Watcher>>();
  private readonly unsubscribe: () => void;
  /** The encoded line of the event being fanned out, per event type: serialized once, shared. */
  private lines = new Map<string, Buffer>();

  constructor(private readonly cluster: Cluster) {
    this.unsubscribe = cluster.subscribe((event, previous) => this.fanOut(event, previous));
  }

  get size(): number {
    let n = 0;
    for (const set of this.byKind.values()) n += set.size;
    return n;
  }

  close(): void {
    this.unsubscribe();
    this.endAll();
  }

  /** Ends every open watch cleanly, as the API server does at a watch's timeout; clients re-watch. */
  endAll(): void {
    for (const set of this.byKind.values()) for (const w of set) w.res.end();
    this.byKind.clear();
  }

  /** Starts a stream: `initial` events first (replayed or synthetic), then live changes. */
  open(
    spec: WatchSpec,
    res: ServerResponse,
    initial: readonly { type: WatchEventType; object: KubeObject }[],
    fromVersion: number,
  ): () => void {
    const watcher: Watcher = { ...spec, res, lastSentVersion: fromVersion };
    for (const e of initial) this.write(watcher, e.type, e.object, undefined);
    let set = this.byKind.get(spec.kind);
    if (!set) this.byKind.set(spec.kind, (set = new Set()));
    set.add(watcher);
    const remove = () => {
      set.delete(watcher);
    };
    res.on('close', remove);
    return remove;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watch that asked for them. */
  sendBookmarks(): void {
    const rv = String(this.cluster.resourceVersion);
    for (const set of this.byKind.values())
      for (const w of set)
        if (w.bookmarks)
          this.writeLine(
            w,
            `${JSON.stringify({ type: 'BOOKMARK', object: { kind: w.kind, apiVersion: w.apiVersion, metadata: { resourceVersion: rv } } })}\n`,
          );
  }

  private fanOut(event: WatchEvent, previous: KubeObject | undefined): void {
    const set = this.byKind.get(event.object.kind);
    if (!set || set.size === 0) return;
    this.lines = new Map();
    for (const w of set) {
      if (w.namespace !== undefined && event.object.metadata.namespace !== w.namespace) continue;
      const now = event.type !== 'DELETED' && w.matches(event.object);
      const before = previous !== undefined && w.matches(previous);
      let type: WatchEventType | undefined;
      if (event.type === 'DELETED') type = before || w.matches(event.object) ? 'DELETED' : undefined;
      else if (now && before) type = 'MODIFIED';
      else if (now) type = 'ADDED';
      else if (before) type = 'DELETED';
      if (type) this.write(w, type, event.object, event.resourceVersion);
    }
  }

  private write(w: Watcher, type: WatchEventType, object: KubeObject, rv: number | undefined): void {
    let line: Buffer | undefined;
    if (w.render) line = Buffer.from(`${JSON.stringify({ type, object: w.render(object) })}\n`);
    else {
      line = rv === undefined ? undefined : this.lines.get(type);
      if (line === undefined) {
        line = Buffer.from(`${JSON.stringify({ type, object })}\n`);
        if (rv !== undefined) this.lines.set(type, line);
      }
    }
    if (rv !== undefined) w.lastSentVersion = rv;
    this.writeLine(w, line);
  }

  private writeLine(w: Watcher, line: Buffer | string): void {
    if (w.res.writableEnded) return;
    const socket = w.res.socket;
    if (!socket || socket.writableLength > MAX_BUFFERED_BYTES) {
      w.res.end();
      return;
    }
    if (typeof line === 'string') {
      w.res.write(line);
      return;
    }
    // The same bytes go to every watch: frame the HTTP chunk once and write it to each socket
    // directly (the response is in chunked mode and writes nothing else until it ends).
    let framed = this.framed.get(line);
    if (!framed) {
      framed = Buffer.concat([Buffer.from(`${line.length.toString(16)}\r\n`), line, Buffer.from('\r\n')]);
      this.framed.set(line, framed);
    }
    socket.write(framed);
  }

  private readonly framed = new WeakMap<Buffer, Buffer>();
}
