/** The page's URL parameters: where the bundles are and what to show first. */

/** Where the dataset is when the URL does not say: beside the viewer's folder, as `tt serve` lays it out. */
export const DEFAULT_DATASET = "../dataset/";

/** Where the result is when the URL does not say. */
export const DEFAULT_RESULT = "../pca/";

/** What the URL asks for, bundle locations resolved against the page. */
export interface ViewerParams {
  /** The dataset bundle's absolute URL. */
  readonly dataset: string;
  /** The result bundle's absolute URL. */
  readonly result: string;
  /** The score column on x and y, and the colour column, when given. */
  readonly x: string | undefined;
  readonly y: string | undefined;
  readonly colour: string | undefined;
  /** The initial query, empty when none. */
  readonly query: string;
}

/**
 * Reads `?dataset=<url>&result=<url>&x=score_1&y=score_2&color=<column>&query=<expr>` of
 * `pageUrl`; relative bundle URLs resolve against the page.
 *
 * @example
 * ```ts
 * readParams("http://127.0.0.1:8080/viewer/").dataset; // "http://127.0.0.1:8080/dataset/"
 * ```
 */
export function readParams(pageUrl: string): ViewerParams {
  const search = new URL(pageUrl).searchParams;
  const optional = (name: string) => {
    const value = search.get(name)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    dataset: new URL(optional("dataset") ?? DEFAULT_DATASET, pageUrl).href,
    result: new URL(optional("result") ?? DEFAULT_RESULT, pageUrl).href,
    x: optional("x"),
    y: optional("y"),
    colour: optional("color") ?? optional("colour"),
    query: search.get("query") ?? "",
  };
}
