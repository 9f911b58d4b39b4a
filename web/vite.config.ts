// The console is plain TypeScript modules bundled by Vite. The output
// directory is given by the build (CMake passes --outDir into its build
// tree); `base: "./"` keeps asset URLs relative so the files can be served
// from any prefix. `npm run dev` proxies /api to a running platform
// (THINGSTEAD_HTTP, default http://127.0.0.1:8080) for work on the pages.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      "/api": process.env.THINGSTEAD_HTTP ?? "http://127.0.0.1:8080",
    },
  },
});
