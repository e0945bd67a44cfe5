/** nmf.validate: the defaults, and a ConfigError naming the field for every bad option. */

import { type ConfigError, isTensorToolsError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { NMF_DEFAULTS, nmf } from "../src/index.js";

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(isTensorToolsError(error, "config"), String(error)).toBe(true);
    return error as ConfigError;
  }
  return expect.fail("no error");
}

describe("nmf.validate", () => {
  it("fills scikit-learn's defaults", () => {
    expect(nmf.validate({ rank: 2 })).toEqual({ ...NMF_DEFAULTS, rank: 2 });
    expect(NMF_DEFAULTS).toMatchObject({
      solver: "cd",
      beta_loss: "frobenius",
      init: "nndsvda",
      max_iter: 200,
      tol: 1e-4,
      center: "none",
    });
  });

  it("accepts the Kullback-Leibler loss with multiplicative updates and every init", () => {
    for (const init of ["nndsvd", "nndsvda", "nndsvdar", "random"])
      expect(nmf.validate({ solver: "mu", beta_loss: "kullback-leibler", init }).init).toBe(init);
  });

  const bad: [Record<string, unknown>, string, RegExp][] = [
    [{ rank: 0 }, "rank", /integer >= 1/],
    [{ rank: 1.5 }, "rank", /integer/],
    [{ solver: "als" }, "solver", /one of "cd", "mu"/],
    [{ beta_loss: "itakura-saito" }, "beta_loss", /one of "frobenius", "kullback-leibler"/],
    [{ beta_loss: "kullback-leibler" }, "beta_loss", /needs solver "mu"/],
    [{ init: "svd" }, "init", /one of "nndsvd", "nndsvda", "nndsvdar", "random"/],
    [{ max_iter: 0 }, "max_iter", /integer >= 1/],
    [{ tol: -1 }, "tol", /finite number >= 0/],
    [{ center: "global" }, "center", /must be "none" for nmf.*centering makes the data negative/],
    [{ center: { over: ["instance"] } }, "center", /must be "none" for nmf/],
    [{ missing: "mask" }, "missing", /"error" or "drop" for nmf.*no masked fit/],
    [{ missing: "ignore" }, "missing", /one of "error", "drop", "mask"/],
    [{ seed: 1 }, "seed", /pass it to decompose/],
    [{ alpha_W: 0.1 }, "alpha_W", /not an option of nmf; options: rank, solver/],
    [{ memory_budget: 0 }, "memory_budget", /integer >= 1/],
    [{ threads: 0 }, "threads", /integer >= 1/],
  ];
  it.each(bad)("rejects %j naming '%s'", (config, field, message) => {
    const error = configError(() => nmf.validate(config));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("rejects a config that is not an object", () => {
    expect(configError(() => nmf.validate([])).field).toBe("(config)");
  });
});
