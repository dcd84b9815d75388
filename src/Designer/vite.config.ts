import { defineConfig } from "vite";

// Built into the Host's wwwroot, which serves it; no plugin needed: esbuild compiles TSX with the automatic runtime.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: { outDir: "../Host/wwwroot", emptyOutDir: true },
  server: { proxy: { "/api": "http://127.0.0.1:5080", "/health": "http://127.0.0.1:5080", "/hubs": { target: "http://127.0.0.1:5080", ws: true } } },
});
