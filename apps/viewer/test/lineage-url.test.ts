/** Where the viewer asks for a result's lineage: the result's path on the server that serves it. */

import { describe, expect, it } from "vitest";
import { lineageUrl } from "../src/lineage-panel.js";

describe("lineageUrl", () => {
  it("names the result's folder relative to the server's origin", () => {
    expect(lineageUrl("http://127.0.0.1:8080/pca/")).toBe(
      "http://127.0.0.1:8080/.tt/lineage?path=pca",
    );
    expect(lineageUrl("http://localhost:8080/study/pca")).toBe(
      "http://localhost:8080/.tt/lineage?path=study%2Fpca",
    );
    expect(lineageUrl("https://[::1]:9000/a%20b/pca%25x/?x=1#y")).toBe(
      "https://[::1]:9000/.tt/lineage?path=a%20b%2Fpca%25x",
    );
  });

  it("asks nothing of the server's root, of a URL that is not http, or of a malformed one", () => {
    expect(lineageUrl("http://127.0.0.1:8080/")).toBeUndefined();
    expect(lineageUrl("file:///pca/")).toBeUndefined();
    expect(lineageUrl("blob:http://127.0.0.1/0b1c")).toBeUndefined();
    expect(lineageUrl("not a url")).toBeUndefined();
    expect(lineageUrl("http://127.0.0.1/%E0%A4%A/")).toBeUndefined();
  });
});
