/**
 * The tensortools viewer: opens the dataset and result named in the URL
 * (`?dataset=<url>&result=<url>`, by default `../dataset/` and `../pca/`) and browses them, with
 * the result's lineage when the server keeps a catalog.
 *
 * @packageDocumentation
 */

import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { required } from "./dom.js";
import { prefetchPyramid, startErpSection } from "./erp-app.js";
import { showLineage } from "./lineage-panel.js";
import { readParams } from "./params.js";
import { openSession, openViewerDataset } from "./session.js";
import { startViewer, type ViewerHandle } from "./viewer-app.js";

declare global {
  interface Window {
    /** The running viewer, for the page's own scripts: `await ttViewer.selectionTable()`. */
    ttViewer?: ViewerHandle;
  }
}

/** Opens the bundles and starts the viewer; a failure is shown on the page, not thrown away. */
async function main(): Promise<void> {
  const app = required("app");
  const params = readParams(window.location.href);
  try {
    prefetchPyramid(params.dataset);
    const dataset = await openViewerDataset(params.dataset);
    // The first picture needs the dataset and its pyramid only: the result's tables come after.
    const erp = startErpSection({ dataset, datasetUrl: params.dataset });
    await erp.firstPicture;
    const session = await openSession(params.dataset, params.result, dataset);
    const { result, table } = session;
    const total = dataset.shape[0]!;
    required("summary").textContent =
      `${result.method} of ${table.numRows} of the ${total} instances of ${dataset.location} ` +
      `(${dataset.axes.map((axis, i) => `${axis} ${dataset.shape[i]}`).join(" x ")}) · ` +
      `result ${session.resultUrl}`;
    window.ttViewer = startViewer(session, params, erp);
    app.dataset.state = "ready";
    // With a catalog behind the server, the result's lineage; without one, nothing.
    void showLineage(required("lineage"), session.resultUrl);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const box = required("load-error");
    box.hidden = false;
    box.textContent = `could not open the bundles (dataset ${params.dataset}, result ${params.result}): ${message}`;
    required("summary").textContent = "";
    app.dataset.state = "error";
    throw error;
  }
}

void main();
