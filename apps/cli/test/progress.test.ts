import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/main.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

/** A writable that keeps what it is given, posing as a terminal when `tty` is set. */
function sink(tty: boolean): Writable & { text: string; isTTY?: boolean; columns?: number } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; isTTY?: boolean; columns?: number };
  stream.text = "";
  if (tty) {
    stream.isTTY = true;
    stream.columns = 100;
  }
  return stream;
}

describe("progress bars", () => {
  it("are drawn on a terminal's stderr and cleared at the end", async () => {
    const stdout = sink(false);
    const stderr = sink(true);
    const code = await runCli(["demo", tempDir(), "--recordings", "2", "--events", "40"], {
      stdout,
      stderr,
      quiet: false,
      json: false,
      debug: false,
    });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/\rwriting write {4}\[#+-*\] {2}50%/);
    expect(stderr.text).toMatch(/\rpca read {5}\[#*-*\] 100%/);
    expect(stderr.text).toMatch(/\rpca fit {6}\[#+-*\]/);
    expect(stderr.text).toContain("\r\x1b[2K");
    expect(stdout.text).not.toContain("\r");
  });

  it("are not drawn with --quiet, even on a terminal", async () => {
    const stderr = sink(true);
    const code = await runCli(["demo", tempDir(), "--recordings", "2", "--events", "40", "-q"], {
      stdout: sink(false),
      stderr,
      quiet: false,
      json: false,
      debug: false,
    });
    expect(code).toBe(0);
    expect(stderr.text).toBe("");
  });
});
