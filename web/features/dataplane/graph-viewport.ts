// Where a graph's view starts: the whole graph when its text stays readable at that zoom, else its
// top-left corner at the smallest readable zoom (zoom, fit and the minimap reach the rest). Pure.

/** Below this zoom the graphs' 12 px node text is too small to read. */
export const READABLE_ZOOM = 0.8;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export function initialViewport(
  graph: { widthPx: number; heightPx: number },
  box: { widthPx: number; heightPx: number },
  paddingPx = 12,
): Viewport {
  const fit = Math.min(
    1,
    (box.widthPx - 2 * paddingPx) / graph.widthPx,
    (box.heightPx - 2 * paddingPx) / graph.heightPx,
  );
  if (fit >= READABLE_ZOOM)
    return {
      x: Math.max(paddingPx, (box.widthPx - graph.widthPx * fit) / 2),
      y: Math.max(paddingPx, (box.heightPx - graph.heightPx * fit) / 2),
      zoom: fit,
    };
  return { x: paddingPx, y: paddingPx, zoom: READABLE_ZOOM };
}
