// Highlights search matches inside JSON views with the CSS Custom Highlight API, which marks text
// ranges without touching React's DOM. Where the API is missing (jsdom), nothing is highlighted.

const HIGHLIGHT_NAME = 'json-search';
const rangesByOwner = new Map<object, Range[]>();

interface HighlightRegistry {
  set(name: string, value: unknown): void;
  delete(name: string): void;
}

function registry(): {
  highlights: HighlightRegistry;
  Highlight: new (...ranges: Range[]) => unknown;
} | null {
  const css = (globalThis as { CSS?: { highlights?: HighlightRegistry } }).CSS;
  const Highlight = (globalThis as { Highlight?: new (...ranges: Range[]) => unknown }).Highlight;
  return css?.highlights && Highlight ? { highlights: css.highlights, Highlight } : null;
}

function publish(): void {
  const reg = registry();
  if (!reg) return;
  const all = [...rangesByOwner.values()].flat();
  if (all.length === 0) reg.highlights.delete(HIGHLIGHT_NAME);
  else reg.highlights.set(HIGHLIGHT_NAME, new reg.Highlight(...all));
}

/** Marks every case-insensitive occurrence of `term` in the text under `root`. */
export function highlightMatches(owner: object, root: HTMLElement | null, term: string): void {
  const ranges: Range[] = [];
  if (root && term !== '' && registry()) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && ranges.length < 2000; node = walker.nextNode()) {
      const text = (node.nodeValue ?? '').toLowerCase();
      for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + term.length);
        ranges.push(range);
      }
    }
  }
  if (ranges.length === 0) rangesByOwner.delete(owner);
  else rangesByOwner.set(owner, ranges);
  publish();
}

export function clearHighlights(owner: object): void {
  rangesByOwner.delete(owner);
  publish();
}
