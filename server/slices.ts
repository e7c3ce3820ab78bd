// Long synchronous work in slices: the UI server, the embedded config API and the simulated agents
// share one event loop, so a pass over a big table yields between slices and every other request
// goes on meanwhile.

/** Synchronous work between two yields to the event loop. */
const SLICE_MS = 8;
/** Rows between two looks at the clock. */
const CHECK_EVERY = 512;

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A time budget for slices of work: `due()` counts one unit and, every CHECK_EVERY units, says
 * whether the slice is used up (then `await yieldToLoop()` and go on). Synchronous, so a loop pays
 * no promise per row.
 */
export class Slicer {
  private start = performance.now();
  private n = 0;

  due(units = 1): boolean {
    this.n += units;
    if (this.n < CHECK_EVERY) return false;
    this.n = 0;
    if (performance.now() - this.start < SLICE_MS) return false;
    this.start = performance.now();
    return true;
  }
}
