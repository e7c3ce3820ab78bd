// An informer over list + watch, as client-go's Reflector runs one: list in pages, watch from
// the list's resourceVersion, keep the version moving with every event and BOOKMARK, re-watch when
// a stream ends, relist on 410 Gone, back off exponentially while the server fails, and treat a
// stream silent for longer than `idleTimeoutMs` as half-open (abort, re-watch). A relist replaces
// the cache and reports what changed meanwhile — deletes included — so nothing is lost.

import type { ApiResource } from '@model/kubernetes/resources.ts';
import type { KubeObject } from '@model/kubernetes/types.ts';
import { KubeStatusError, type KubeClient, type RawWatchEvent, type WatchHandle } from './kube-client.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ChangeHandler<T> = (type: ChangeType, object: T) => void;

/** Timers, injected so tests drive backoff and idle timeouts without waiting. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface InformerOptions {
  timers?: Timers;
  /** First retry delay after a failure; doubles up to `maxBackoffMs` (client-go: 800 ms → 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A watch with no event and no bookmark for this long is considered dead (0: never). */
  idleTimeoutMs?: number;
  /** Items per list page. */
  pageSize?: number;
  /** Server-side timeout asked for each watch (client-go picks 5–10 min). */
  watchTimeoutSeconds?: number;
  onError?: (error: Error) => void;
}

export interface InformerStats {
  lists: number;
  watches: number;
  /** Relists forced by 410 Gone. */
  expired: number;
  errors: number;
}

const keyOf = (o: KubeObject) =>
  o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;

function isObjectLike(v: unknown): v is KubeObject {
  const o = v as { metadata?: { name?: unknown; resourceVersion?: unknown } };
  return typeof o === 'object' && o !== null && typeof o.metadata?.name === 'string';
}

export class Informer<T extends KubeObject> {
  readonly cache = new Map<string, T>();
  readonly stats: InformerStats = { lists: 0, watches: 0, expired: 0, errors: 0 };
  private resourceVersion = '';
  private handle: WatchHandle | undefined;
  private retryTimer: unknown;
  private idleTimer: unknown;
  private backoffMs: number;
  private stopped = true;
  /** Bumped on each (re)start of a list or watch; stale callbacks check it and do nothing. */
  private generation = 0;
  private syncedResolve: (() => void) | undefined;
  readonly synced: Promise<void>;
  private readonly timers: Timers;
  private readonly opts: Required<Omit<InformerOptions, 'timers' | 'onError'>> &
    Pick<InformerOptions, 'onError'>;

  constructor(
    private readonly client: KubeClient,
    readonly resource: ApiResource,
    private readonly onChange: ChangeHandler<T>,
    opts: InformerOptions = {},
  ) {
    this.timers = opts.timers ?? realTimers;
    this.opts = {
      initialBackoffMs: opts.initialBackoffMs ?? 800,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 90_000,
      pageSize: opts.pageSize ?? 500,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      onError: opts.onError,
    };
    this.backoffMs = this.opts.initialBackoffMs;
    this.synced = new Promise((resolve) => (this.syncedResolve = resolve));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.handle?.stop();
    this.handle = undefined;
    this.timers.clearTimeout(this.retryTimer);
    this.timers.clearTimeout(this.idleTimer);
  }

  /** The resourceVersion the next watch resumes from. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private fail(error: Error, then: () => void): void {
    this.stats.errors++;
    this.opts.onError?.(error);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = this.timers.setTimeout(() => {
      if (!this.stopped) then();
    }, delay);
  }

  private async relist(): Promise<void> {
    const generation = ++this.generation;
    this.handle?.stop();
    this.handle = undefined;
    this.timers.clearTimeout(this.idleTimer);
    const fresh = new Map<string, T>();
    let rv = '';
    try {
      let continueToken: string | undefined;
      do {
        const page = await this.client.list(this.resource, { limit: this.opts.pageSize, continueToken });
        if (generation !== this.generation) return;
        for (const item of page.items) if (isObjectLike(item)) fresh.set(keyOf(item), item as T);
        rv = page.resourceVersion;
        continueToken = page.continueToken;
      } while (continueToken);
    } catch (err) {
      if (generation !== this.generation) return;
      // An expired continue token means the pages no longer form one list: start over.
      this.fail(
        err instanceof KubeStatusError && err.code === 410
          ? new Error(`list expired: ${err.message}`)
          : (err as Error),
        () => void this.relist(),
      );
      return;
    }
    this.stats.lists++;
    this.backoffMs = this.opts.initialBackoffMs;
    // Replace the cache, reporting what changed while we were not watching (deletes included).
    for (const [key, old] of this.cache)
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.onChange('DELETED', old);
      }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (!old) this.onChange('ADDED', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.onChange('MODIFIED', obj);
    }
    this.resourceVersion = rv;
    this.syncedResolve?.();
    this.syncedResolve = undefined;
    this.watch();
  }

  private armIdle(generation: number): void {
    if (this.opts.idleTimeoutMs <= 0) return;
    this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => {
      if (generation !== this.generation || this.stopped) return;
      // Half-open: the connection looks alive but nothing arrives. Drop it and resume.
      this.stats.errors++;
      this.opts.onError?.(
        new Error(`watch of ${this.resource.plural} silent for ${this.opts.idleTimeoutMs} ms; re-watching`),
      );
      this.watch();
    }, this.opts.idleTimeoutMs);
  }

  private watch(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.handle?.stop();
    this.stats.watches++;
    this.armIdle(generation);
    this.handle = this.client.watch(
      this.resource,
      {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.opts.watchTimeoutSeconds,
      },
      (event) => {
        if (generation !== this.generation) return;
        this.armIdle(generation);
        this.onEvent(event, generation);
      },
      (error) => {
        if (generation !== this.generation || this.stopped) return;
        this.timers.clearTimeout(this.idleTimer);
        if (error) this.fail(error, () => this.watch());
        else {
          // A clean end (server timeout): resume at once from where we are.
          this.backoffMs = this.opts.initialBackoffMs;
          this.watch();
        }
      },
    );
  }

  private onEvent(event: RawWatchEvent, generation: number): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string };
      if (status?.code === 410) {
        this.stats.expired++;
        void this.relist();
      } else
        this.fail(
          new Error(`watch error: ${status?.message ?? JSON.stringify(event.object)}`),
          () => void this.relist(),
        );
      return;
    }
    const object = event.object;
    if (event.type === 'BOOKMARK') {
      // A bookmark's object carries only metadata.resourceVersion (no name).
      const rv = (object as { metadata?: { resourceVersion?: unknown } })?.metadata?.resourceVersion;
      if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
      return;
    }
    if (!isObjectLike(object)) return;
    const rv = object.metadata.resourceVersion;
    const obj = object as T;
    const key = keyOf(obj);
    if (event.type === 'DELETED') {
      this.cache.delete(key);
      this.onChange('DELETED', obj);
    } else {
      const existed = this.cache.has(key);
      this.cache.set(key, obj);
      this.onChange(existed ? 'MODIFIED' : 'ADDED', obj);
    }
    if (generation === this.generation && typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
    this.backoffMs = this.opts.initialBackoffMs;
  }
}
