/**
 * The two export actions of the selection: copy as Arrow IPC and download as Parquet. Browsers
 * let a page put only text, HTML, PNG and "web custom formats" on the clipboard, so the copy puts
 * the IPC stream there as base64 text (which any page or script decodes), and beside it the bytes
 * themselves as the web custom format `web application/vnd.apache.arrow.stream` where the browser
 * has them (Chromium 104 on); where there is no clipboard or the copy is refused, the IPC stream
 * is downloaded as a `.arrows` file instead.
 */

import { element } from "./dom.js";

/** The media type of an Arrow IPC stream. */
export const ARROW_STREAM_TYPE = "application/vnd.apache.arrow.stream";
/** The clipboard format of the IPC bytes: a web custom format, readable by pages only. */
export const ARROW_CLIPBOARD_FORMAT = `web ${ARROW_STREAM_TYPE}`;

/** What the clipboard copy did. */
export type CopyOutcome = "binary and base64" | "base64";

/** `bytes` as base64 text. */
export function toBase64(bytes: Uint8Array): string {
  let text = "";
  // In slices, since String.fromCharCode takes its arguments on the stack.
  for (let at = 0; at < bytes.length; at += 0x8000)
    text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

/** The clipboard API as the copy needs it, and the page's `ClipboardItem` (undefined if none). */
export interface ClipboardAccess {
  readonly clipboard: Clipboard | undefined;
  readonly ClipboardItem: typeof ClipboardItem | undefined;
}

/** The page's own clipboard. */
export function pageClipboard(): ClipboardAccess {
  return {
    clipboard: globalThis.navigator?.clipboard,
    ClipboardItem: globalThis.ClipboardItem,
  };
}

/**
 * Puts the Arrow IPC stream `bytes` on the clipboard: base64 text, and the bytes as
 * {@link ARROW_CLIPBOARD_FORMAT} where the browser supports that format. Throws when there is no
 * clipboard or the browser refuses.
 */
export async function copyArrowIPC(
  bytes: Uint8Array,
  access: ClipboardAccess,
): Promise<CopyOutcome> {
  const { clipboard, ClipboardItem: Item } = access;
  if (clipboard === undefined) throw new Error("this page has no clipboard (not a secure context)");
  const text = toBase64(bytes);
  if (Item !== undefined && Item.supports?.(ARROW_CLIPBOARD_FORMAT) === true) {
    await clipboard.write([
      new Item({
        [ARROW_CLIPBOARD_FORMAT]: new Blob([bytes as BlobPart], { type: ARROW_STREAM_TYPE }),
        "text/plain": new Blob([text], { type: "text/plain" }),
      }),
    ]);
    return "binary and base64";
  }
  await clipboard.writeText(text);
  return "base64";
}

/** Saves `bytes` as a file named `name` through a link to a blob, as a download. */
export function downloadBytes(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const link = element("a", { href: url, download: name, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference by then; a minute covers slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What the export controls need from the page. */
export interface SelectionExporter {
  /** How many instances are selected now. */
  count(): number;
  /** The selection as Arrow IPC bytes. */
  arrowIPC(): Promise<Uint8Array>;
  /** The selection as Parquet bytes. */
  parquet(): Promise<Uint8Array>;
  /** The file name for an export with this extension (`.parquet`, `.arrows`). */
  fileName(extension: string): string;
}

/** Runs `action` from `button`, disabled meanwhile, its outcome or failure said in `status`. */
function wire(button: HTMLButtonElement, status: HTMLElement, action: () => Promise<string>) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "exporting…";
    try {
      status.textContent = await action();
    } catch (error) {
      status.textContent = `export failed: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * Fills `host` with the buttons **copy as Arrow IPC** and **download as Parquet**, and a status
 * line (`role=status`) saying what each did; `access` gives the clipboard at the time of a copy.
 */
export function renderExportControls(
  host: HTMLElement,
  exporter: SelectionExporter,
  access: () => ClipboardAccess = pageClipboard,
): void {
  const copy = element("button", { type: "button", text: "copy as Arrow IPC", id: "copy-arrow" });
  const save = element("button", {
    type: "button",
    text: "download as Parquet",
    id: "save-parquet",
  });
  const status = element("span", { className: "note", role: "status", id: "export-status" });
  wire(copy, status, async () => {
    const bytes = await exporter.arrowIPC();
    const rows = `${exporter.count()} rows`;
    try {
      const how = await copyArrowIPC(bytes, access());
      return how === "base64"
        ? `copied ${rows} as Arrow IPC in base64 text`
        : `copied ${rows} as Arrow IPC (${ARROW_CLIPBOARD_FORMAT}) and in base64 text`;
    } catch (error) {
      const name = exporter.fileName(".arrows");
      downloadBytes(bytes, name, ARROW_STREAM_TYPE);
      return `could not copy (${(error as Error).message}): downloaded ${rows} as ${name}`;
    }
  });
  wire(save, status, async () => {
    const name = exporter.fileName(".parquet");
    downloadBytes(await exporter.parquet(), name, "application/vnd.apache.parquet");
    return `downloaded ${exporter.count()} rows as ${name}`;
  });
  host.replaceChildren(copy, save, status);
}
