// Vitest setup shared by every test file. Web component tests opt into jsdom with a
// `// @vitest-environment jsdom` docblock; server tests run in node.

import { afterEach } from 'vitest';

if (typeof window !== 'undefined') {
  const { cleanup } = await import('@testing-library/react');
  afterEach(() => cleanup());

  // jsdom does no layout: give the tree's scroll container a viewport and its rows a height, so
  // the virtualizer renders the rows of one screen as in a browser.
  for (const [prop, px] of [
    ['clientHeight', 800],
    ['clientWidth', 1200],
  ] as const) {
    const base = Object.getOwnPropertyDescriptor(Element.prototype, prop)!;
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset.scrollContainer !== undefined ? px : (base.get!.call(this) as number);
      },
    });
  }
  const baseOffsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight')!;
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('virtual-row') ? 36 : (baseOffsetHeight.get!.call(this) as number);
    },
  });
  // msw resolves relative request URLs against the page's origin.
  if (window.location.href === 'about:blank') window.history.replaceState(null, '', '/');
}
