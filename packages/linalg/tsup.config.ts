import { packageBuild } from "../../tooling/tsup.package.ts";

const base = packageBuild({
  index: "src/index.ts",
  // The two `#platform` modules are entries of their own, and `#platform` stays an import in the
  // output, so the package's `imports` map picks the Node or the browser file where it is used.
  "platform-node": "src/platform-node.ts",
  "platform-browser": "src/platform-browser.ts",
});

export default { ...base, external: [...(base.external ?? []), "#platform"] };
