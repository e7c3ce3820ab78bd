// A stand-in for the browser's EventSource that a test drives by hand: open, drop, send a frame.

import type { EventSourceLike } from '@web/app/live-updates.ts';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

class FakeEventSource implements EventSourceLike {
  readyState = CONNECTING;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = CLOSED;
  }

  open(): void {
    this.readyState = OPEN;
    this.emit('open', new Event('open'));
  }

  /** A dropped connection the browser will retry (`closed` false) or has given up on. */
  drop({ closed = false }: { closed?: boolean } = {}): void {
    this.readyState = closed ? CLOSED : CONNECTING;
    this.emit('error', new Event('error'));
  }

  send(type: string, data: unknown): void {
    this.emit(type, new MessageEvent(type, { data: JSON.stringify(data) }));
  }

  private emit(type: string, event: Event): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** Opens FakeEventSources and keeps them, the latest last. */
export function fakeEventSources() {
  const opened: FakeEventSource[] = [];
  return {
    opened,
    openEventSource: (url: string) => {
      const source = new FakeEventSource(url);
      opened.push(source);
      return source;
    },
    latest: () => opened.at(-1),
  };
}
