/** The decomposition method conformance kit of @tt/schema/testing, run on `ica`. */

import { testMethod } from "@tt/schema/testing";
import { describe, it } from "vitest";
import { ica } from "../src/index.js";
import { golden, goldenTensor } from "./helpers.js";

const tensor = goldenTensor(golden());

describe("conformance", () => {
  for (const c of testMethod(ica, [
    { name: "parallel FastICA", tensor, config: { rank: 4 } },
    {
      name: "deflation FastICA with exp",
      tensor,
      config: { rank: 3, fastica_mode: "deflation", fun: "exp" },
    },
    { name: "extended Infomax", tensor, config: { algorithm: "infomax", rank: 4, max_iter: 20 } },
  ]))
    it(c.name, c.run);
});
