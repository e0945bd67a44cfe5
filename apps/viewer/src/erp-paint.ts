/**
 * Painting the ERP image: the tiles of a level composed on a canvas at the level's resolution,
 * drawn scaled into a channel's canvas with the selection strip on the left and the time axis
 * below.
 */

import { element } from "./dom.js";
import { tilePixels } from "./erp-pixels.js";
import type { ErpTile, ErpWindow } from "./erp-plan.js";
import type { axisTicks } from "./sample-axis.js";

/** CSS pixels of the selection strip, the gap after it, and the time axis below. */
export const STRIP = 10;
const GAP = 3;
const AXIS = 22;
/** CSS height of each channel's canvas. */
export const HEIGHT = 300;

/** The area of the canvas the image itself takes, in CSS pixels. */
export function imageArea(canvas: HTMLCanvasElement) {
  const width = Math.max(1, canvas.clientWidth - STRIP - GAP);
  return { left: STRIP + GAP, top: 0, width, height: HEIGHT - AXIS };
}

/** Paints one composite (the tiles of a level) and its surroundings on a channel's canvas. */
export function paint(
  canvas: HTMLCanvasElement,
  composite: { image: HTMLCanvasElement; sx: number; sy: number; sw: number; sh: number },
  share: Float32Array,
  ticks: ReturnType<typeof axisTicks>,
): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, canvas.clientWidth, HEIGHT);
  const area = imageArea(canvas);
  // Smooth when the level has more elements than pixels (averaging), sharp bins when fewer.
  ctx.imageSmoothingEnabled = composite.sh > area.height || composite.sw > area.width;
  ctx.imageSmoothingQuality = "high";
  const { image, sx, sy, sw, sh } = composite;
  ctx.drawImage(image, sx, sy, sw, sh, area.left, area.top, area.width, area.height);
  for (let p = 0; p < share.length; p++) {
    ctx.fillStyle = share[p]! > 0 ? `rgba(230, 120, 0, ${0.25 + 0.75 * share[p]!})` : "#eee";
    ctx.fillRect(0, p, STRIP, 1);
  }
  ctx.fillStyle = "#444";
  ctx.strokeStyle = "#888";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (const tick of ticks) {
    const x = area.left + tick.at * area.width;
    ctx.fillRect(x, area.height, 1, 4);
    ctx.fillText(
      tick.text,
      Math.min(Math.max(x, area.left + 12), area.left + area.width - 12),
      area.height + 15,
    );
  }
}

/**
 * The tiles of one channel composed on a canvas at the level's resolution, and the source
 * rectangle of `view` on it (fractional, in level elements).
 */
export function compose(
  tiles: readonly ErpTile[],
  values: readonly Float32Array[],
  limit: number,
  scale: { rows: number; samples: number },
  view: ErpWindow,
) {
  const r0 = Math.min(...tiles.map((t) => t.rows[0]));
  const s0 = Math.min(...tiles.map((t) => t.samples[0]));
  const r1 = Math.max(...tiles.map((t) => t.rows[1]));
  const s1 = Math.max(...tiles.map((t) => t.samples[1]));
  const image = document.createElement("canvas");
  image.width = s1 - s0;
  image.height = r1 - r0;
  const ctx = image.getContext("2d")!;
  tiles.forEach((tile, i) => {
    const width = tile.samples[1] - tile.samples[0];
    const height = tile.rows[1] - tile.rows[0];
    const pixels = new ImageData(tilePixels(values[i]!, limit), width, height);
    ctx.putImageData(pixels, tile.samples[0] - s0, tile.rows[0] - r0);
  });
  return {
    image,
    sx: view.sampleStart / scale.samples - s0,
    sy: view.rowStart / scale.rows - r0,
    sw: (view.sampleEnd - view.sampleStart) / scale.samples,
    sh: (view.rowEnd - view.rowStart) / scale.rows,
  };
}

/** The panels, one per channel: a title and a canvas each. */
export function channelPanels(
  container: HTMLElement,
  labels: readonly string[],
): HTMLCanvasElement[] {
  const canvases = labels.map(() =>
    element("canvas", { className: "erp-canvas", style: `height: ${HEIGHT}px` }),
  );
  container.replaceChildren(
    ...labels.map((label, c) =>
      element("div", { className: "erp-panel", "data-channel": c }, [
        element("div", { className: "erp-title", text: label }),
        canvases[c]!,
      ]),
    ),
  );
  return canvases;
}
