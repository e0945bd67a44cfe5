/**
 * The ERP image's pointer: the wheel zooms about the cursor, a drag pans, a click (without a
 * drag) names the image row under the pointer.
 */

import { imageArea } from "./erp-paint.js";
import { type ErpWindow, panWindow, zoomWindow } from "./erp-plan.js";
import type { TileSource } from "./erp-source.js";

/** What the pointer reads and moves: the window in view over the content's source. */
export interface PointerState {
  view: ErpWindow;
  readonly content: { readonly source: TileSource } | undefined;
}

/** The extent a window moves in: the base level, and the most rows in view. */
export function extentOf(source: TileSource) {
  const base = source.levels[0]!;
  return { rows: base.rows, samples: base.samples, maxRows: source.maxRows };
}

/**
 * Wires a canvas's wheel (zoom about the cursor), drag (pan) and click (`onRow` with the image
 * row under the pointer) to the state.
 */
export function wireCanvas(
  canvas: HTMLCanvasElement,
  state: PointerState,
  redraw: () => void,
  onRow: (row: number) => void,
): void {
  const pointAt = (event: MouseEvent) => {
    const area = imageArea(canvas);
    const { view } = state;
    const fx = Math.min(1, Math.max(0, (event.offsetX - area.left) / area.width));
    const fy = Math.min(1, Math.max(0, event.offsetY / area.height));
    return {
      row: view.rowStart + fy * (view.rowEnd - view.rowStart),
      sample: view.sampleStart + fx * (view.sampleEnd - view.sampleStart),
    };
  };
  const extent = () => extentOf(state.content!.source);
  canvas.addEventListener("wheel", (event) => {
    if (state.content === undefined) return;
    event.preventDefault();
    const at = pointAt(event);
    state.view = zoomWindow(state.view, event.deltaY < 0 ? 1.25 : 0.8, at.row, at.sample, extent());
    redraw();
  });
  let pressed: { x: number; y: number; view: ErpWindow } | undefined;
  let moved = false;
  canvas.addEventListener("mousedown", (event) => {
    pressed = { x: event.clientX, y: event.clientY, view: state.view };
    moved = false;
  });
  window.addEventListener("mouseup", () => {
    pressed = undefined;
  });
  canvas.addEventListener("mousemove", (event) => {
    if (pressed === undefined || state.content === undefined) return;
    const dx = event.clientX - pressed.x;
    const dy = event.clientY - pressed.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    const area = imageArea(canvas);
    const { view } = pressed;
    const rows = (-dy / area.height) * (view.rowEnd - view.rowStart);
    const samples = (-dx / area.width) * (view.sampleEnd - view.sampleStart);
    state.view = panWindow(view, rows, samples, extent());
    redraw();
  });
  canvas.addEventListener("click", (event) => {
    if (moved || state.content === undefined) return;
    if (event.offsetY > imageArea(canvas).height) return;
    onRow(Math.floor(pointAt(event).row));
  });
}
