import { defineConfig } from "vite";

/**
 * The viewer is a static page: relative asset paths so it works under any folder (`tt serve
 * --viewer` mounts it at `/viewer/`), and workspace packages read from their TypeScript source.
 */
export default defineConfig({
  base: "./",
  resolve: { conditions: ["@tt/source", "module", "browser", "import", "default"] },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1500 },
  // The HDF5 worker loads h5wasm by a dynamic import: a module worker, which may split chunks.
  worker: { format: "es" },
});
