/** Validation of the config and refusals at fit time: which error, which message. */

import { isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { ICA_DEFAULTS, ica, validateIcaConfig } from "../src/index.js";
import { fitIca, golden, goldenTensor, viewOf } from "./helpers.js";

const tensor = goldenTensor(golden());

function configError(run: () => unknown, field: string, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(isTensorToolsError(error, "config"), String(error)).toBe(true);
    expect((error as { field: string }).field).toBe(field);
    expect((error as Error).message).toMatch(message);
    return;
  }
  expect.fail(`no ConfigError for ${field}`);
}

describe("validateIcaConfig", () => {
  it("fills the defaults and is idempotent", () => {
    const full = validateIcaConfig({});
    expect(full).toEqual(ICA_DEFAULTS);
    expect(validateIcaConfig(full)).toEqual(full);
  });

  it("refuses unknown keys, a seed key and values outside their sets", () => {
    configError(
      () => validateIcaConfig({ n_components: 3 }),
      "n_components",
      /not an option of ica/,
    );
    configError(() => validateIcaConfig({ seed: 1 }), "seed", /pass it to decompose/);
    configError(
      () => validateIcaConfig({ algorithm: "jade" }),
      "algorithm",
      /"fastica", "infomax"/,
    );
    configError(() => validateIcaConfig({ fun: "cube" }), "fun", /"logcosh", "exp"/);
    configError(() => validateIcaConfig({ fastica_mode: "sym" }), "fastica_mode", /"parallel"/);
    configError(() => validateIcaConfig({ extended: 1 }), "extended", /true or false/);
    configError(() => validateIcaConfig({ rank: 0 }), "rank", /integer >= 1/);
    configError(() => validateIcaConfig({ tol: -1 }), "tol", /> 0/);
    configError(() => validateIcaConfig({ learning_rate: 0 }), "learning_rate", /> 0/);
    configError(() => validateIcaConfig({ block_size: 1.5 }), "block_size", /integer/);
    configError(() => validateIcaConfig({ channel_axis: "" }), "channel_axis", /axis name or null/);
    configError(() => validateIcaConfig({ missing: "mask" }), "missing", /"error", "drop"/);
  });
});

describe("refusals at fit time", () => {
  async function rejects(config: unknown, tag: string, message: RegExp) {
    const error = await fitIca(viewOf(tensor), config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTensorToolsError(error, tag as "config"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  }

  it("a rank above the channels", () =>
    rejects({ rank: 7 }, "config", /at most the 6 channels, got 7/));

  it("the instance axis or an unknown axis as the channel axis", async () => {
    await rejects({ channel_axis: "instance" }, "config", /is the instance axis/);
    await rejects({ channel_axis: "sensor" }, "config", /no axis 'sensor'/);
  });

  it("Infomax when the whitened data exceeds half the memory budget", () =>
    rejects(
      { algorithm: "infomax", memory_budget: 100_000 },
      "config",
      /Infomax samples rows at random.*2000 x 6 float64, 96000 bytes.*use algorithm "fastica"/,
    ));

  it("a rank above the data's rank", async () => {
    const data = Float64Array.from(tensor.data as Float64Array);
    // Channel 5 becomes a copy of channel 4: the covariance has rank 5.
    for (let i = 0; i < data.length; i += 6) data[i + 5] = data[i + 4]!;
    const deficient = { ...tensor, data };
    const error = await ica
      .fit(viewOf(deficient), ica.validate({}), { seed: 0, signal: undefined, onProgress() {} })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTensorToolsError(error, "data"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/only 5 eigenvalues.*set rank to at most that/);
  });
});
