/** The decomposition method conformance kit of @tt/schema/testing, run on `nmf`. */

import { testMethod } from "@tt/schema/testing";
import { describe, it } from "vitest";
import { nmf } from "../src/index.js";
import { tensorOf } from "./helpers.js";

const data = Float64Array.from({ length: 24 * 5 * 4 }, (_, x) => 1 + Math.sin(x) * Math.cos(x / 7));
const three = tensorOf(data, [24, 5, 4], ["instance", "sample", "channel"]);
const matrix = tensorOf(
  Float32Array.from(data.subarray(0, 30 * 8)),
  [30, 8],
  ["instance", "feature"],
);

describe("conformance", () => {
  for (const c of testMethod(nmf, [
    { name: "a 3-way tensor, coordinate descent", tensor: three, config: { rank: 2 } },
    {
      name: "a float32 matrix, multiplicative KL updates, random start",
      tensor: matrix,
      config: { rank: 3, solver: "mu", beta_loss: "kullback-leibler", init: "random" },
    },
  ]))
    it(c.name, c.run);
});
