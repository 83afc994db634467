// The playground: a static multi-page site built into the TypeDoc output (docs/api/playground) by
// `pnpm run docs`, after TypeDoc (which empties docs/api). `pnpm --filter @chainrule/playground dev`
// serves it on 127.0.0.1 while editing. Any static file server serves the built pages; a
// cross-origin isolated one (COOP/COEP, as here) lets the kernels use worker threads.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mnistSample } from '../../examples/browser/mnist-sample.js';

/** COOP/COEP: a cross-origin isolated page may share memory with its workers. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const page = (name: string): string => fileURLToPath(new URL(`${name}.html`, import.meta.url));

/** The pages, by file name. */
export const PAGES = ['index', 'race', 'backprop', 'dropout', 'digits'] as const;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative asset paths: the pages work from any folder of any static server
  plugins: [mnistSample(400)],
  resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
  build: {
    outDir: fileURLToPath(new URL('../api/playground/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // vega, KaTeX and Graphviz are large by nature, and the digits page carries its 4,000 digits (4.2 MB
    // of base64); each page loads only its own.
    chunkSizeWarningLimit: 5000,
    rolldownOptions: { input: Object.fromEntries(PAGES.map((p) => [p, page(p)])) },
  },
});
