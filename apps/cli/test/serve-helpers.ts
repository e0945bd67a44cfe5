/** A folder to serve with files, links in and out of it, and a secret beside it; and a running `tt serve`. */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, tempDir } from "./helpers.js";

/** The served tree and what must never leave it. */
export interface ServeTree {
  /** The folder served at `/`. */
  root: string;
  /** A folder mounted at `/viewer/`. */
  viewer: string;
  /** Content of the files beside the root; no response may contain it. */
  secret: string;
  /** Bytes of `data.bin` (1000 bytes) in the root. */
  data: Buffer;
}

/** Builds the tree: files of several types, links that stay inside and links that leave. */
export function makeServeTree(): ServeTree {
  const base = tempDir();
  const root = join(base, "root");
  const viewer = join(base, "viewer");
  const secret = `TT-SECRET-${randomBytes(12).toString("hex")}`;
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 251));
  mkdirSync(join(root, "sub"), { recursive: true });
  mkdirSync(join(base, "root2"));
  mkdirSync(viewer);
  writeFileSync(join(base, "secret.txt"), secret);
  writeFileSync(join(base, "root2", "secret.txt"), secret);
  writeFileSync(join(root, "a.txt"), "hello\n");
  writeFileSync(join(root, "data.bin"), data);
  writeFileSync(join(root, "empty.bin"), "");
  writeFileSync(join(root, "big.bin"), Buffer.alloc(2 << 20, 7));
  writeFileSync(join(root, "index.html"), "<h1>root</h1>\n");
  writeFileSync(join(root, "kernel.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(root, "module.mjs"), "export const x = 1;\n");
  writeFileSync(join(root, "meta.parquet"), "PAR1....PAR1");
  writeFileSync(join(root, "module.mjs.map"), "{}");
  writeFileSync(join(root, "notes.txt"), "notes\n");
  writeFileSync(join(root, "sub", "file.json"), '{"ok":true}\n');
  writeFileSync(join(root, "sp ace%.txt"), "space\n");
  writeFileSync(join(viewer, "index.html"), "<h1>viewer</h1>\n");
  const links: [string, string][] = [
    ["link_in", "sub"],
    ["file_link", "a.txt"],
    ["self", "."],
    ["secret_link", "../secret.txt"],
    ["out_dir", ".."],
    ["abs_link", join(base, "secret.txt")],
    ["etc_link", "/etc"],
    ["sibling_link", "../root2/secret.txt"],
    ["loop_a", "loop_b"],
    ["loop_b", "loop_a"],
    ["dangling", "nothing-here"],
  ];
  for (const [name, target] of links) symlinkSync(target, join(root, name));
  symlinkSync("../root/a.txt", join(viewer, "escape"));
  symlinkSync("../secret.txt", join(viewer, "secret_link"));
  return { root, viewer, secret, data };
}

/** A `tt serve` child process and what it printed. */
export interface Served {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything printed on stdout so far, the URL's line included. */
  stdout(): string;
  stderr(): string;
  /** The exit code once the process ended, else undefined. */
  exitCode(): number | null | undefined;
  /** Stops it with Ctrl-C and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `tt serve ...args` and resolves once it printed its URL. It runs in `env`, by default
 * this process's environment without `TT_CATALOG` (no catalog unless a test gives one).
 */
export async function startServe(args: string[], env?: NodeJS.ProcessEnv): Promise<Served> {
  const { TT_CATALOG: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, "serve", ...args], {
    cwd: tmpdir(),
    env: env ?? inherited,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let exit: number | null | undefined;
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((done) =>
    child.once("exit", (code) => {
      exit = code;
      done(code);
    }),
  );
  let text = "";
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) done(text.split("\n")[0]!);
    });
    child.once("exit", (code) => fail(new Error(`tt serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stdout: () => text,
    stderr: () => stderr,
    exitCode: () => exit,
    async stop() {
      if (exit === undefined) child.kill("SIGINT");
      return exited;
    },
  };
}
