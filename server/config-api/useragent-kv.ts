// The API server's user-agent key/value store (`POST /useragent-kv`, api_server.py
// useragent_kv_http_post; Cassandra's useragent keyspace): string keys to stored values, with a
// feed so the state directory can save it. Keys are Map keys: no prototype lookups.

export type KvChange =
  { readonly key: string; readonly value: unknown } | { readonly key: string; readonly deleted: true };

export class UserAgentKv {
  private readonly values = new Map<string, unknown>();
  private readonly listeners = new Set<(change: KvChange) => void>();

  subscribe(listener: (change: KvChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.values.size;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  entries(): IterableIterator<[string, unknown]> {
    return this.values.entries();
  }

  store(key: string, value: unknown): void {
    this.values.set(key, value);
    for (const listener of this.listeners) listener({ key, value });
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return;
    for (const listener of this.listeners) listener({ key, deleted: true });
  }

  /** Saved entries, before any listener is attached. */
  restore(entries: Iterable<readonly [string, unknown]>): void {
    for (const [key, value] of entries) this.values.set(key, value);
  }
}
