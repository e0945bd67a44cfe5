import { packageBuild } from "../../tooling/tsup.package.ts";

export default packageBuild({ main: "src/main.ts", tt: "src/tt.ts" });
