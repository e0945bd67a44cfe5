/** The decomposition method conformance kit of @tt/schema/testing, run on `cp`. */

import { testMethod } from "@tt/schema/testing";
import { describe, it } from "vitest";
import { cp } from "../src/index.js";
import { syntheticCp } from "./synthetic.js";

const three = syntheticCp([24, 5, 4], 2, 1, { noise: 0.1 }).tensor;
const four = syntheticCp([12, 3, 4, 2], 2, 2, { noise: 0.1, dtype: "float32" }).tensor;

describe("conformance", () => {
  for (const c of testMethod(cp, [
    { name: "a 3-way tensor", tensor: three, config: { rank: 2 } },
    {
      name: "a 4-way float32 tensor, random init",
      tensor: four,
      config: { rank: 2, init: "random" },
    },
    { name: "non-negative", tensor: three, config: { rank: 2, nonnegative: true, n_iter_max: 50 } },
  ]))
    it(c.name, c.run);
});
