/** The decomposition method conformance kit of @tt/schema/testing, run on `tucker`. */

import { testMethod } from "@tt/schema/testing";
import { describe, it } from "vitest";
import { tucker } from "../src/index.js";
import { syntheticTucker } from "./synthetic.js";

const three = syntheticTucker([24, 5, 4], 2, 1).tensor;
const single = syntheticTucker([16, 6, 3], 2, 2, 0.1, "float32").tensor;
const holed = Float64Array.from(three.data as Float64Array, (v, x) =>
  x % 11 === 3 ? Number.NaN : v,
);

describe("conformance", () => {
  for (const c of testMethod(tucker, [
    { name: "a 3-way tensor", tensor: three, config: { ranks: [2, 2, 2] } },
    {
      name: "a float32 tensor, random init, one rank for all modes",
      tensor: single,
      config: { ranks: 2, init: "random" },
    },
    {
      name: 'a 3-way tensor with ~9% NaN, missing: "mask"',
      tensor: { ...three, data: holed },
      config: { ranks: [2, 2, 2], missing: "mask" },
    },
  ]))
    it(c.name, c.run);
});
