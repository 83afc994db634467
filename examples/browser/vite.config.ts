// The browser example: `pnpm --filter @chainrule/examples browser` serves it on 127.0.0.1 (cross-origin
// isolated, so the kernels use every core); `browser:build` writes a static copy to browser/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mnistSample } from './mnist-sample.js';

/** COOP/COEP: a cross-origin isolated page may share memory with its workers. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative asset paths: the built page works from any folder of a static server
  plugins: [mnistSample(300)],
  resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
  // The digits (2.4 MB) and vega make one large chunk; for an example, one file is simpler.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000 },
});
