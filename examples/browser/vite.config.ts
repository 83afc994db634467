// The browser example: `pnpm --filter @chainrule/examples browser` serves it on 127.0.0.1 (cross-origin
// isolated, so the kernels use every core); `browser:build` writes a static copy to browser/dist.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** COOP/COEP: a cross-origin isolated page may share memory with its workers. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * `virtual:mnist-sample`: the first 300 digits of each class of the `mnist` package as bytes
 * (784 grey levels 0–255 per digit, base64), made in Node when the page is built, so that the page
 * loads 2.4 MB instead of the package's 41 MB of JSON.
 */
function mnistSample(perDigit = 300): Plugin {
  const id = 'virtual:mnist-sample';
  return {
    name: 'mnist-sample',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const digits = createRequire(import.meta.url)('mnist') as readonly { length: number; get(i: number): number[] }[];
      const pixels = new Uint8Array(10 * perDigit * 784);
      for (let d = 0; d < 10; d++) {
        for (let i = 0; i < perDigit; i++) pixels.set(digits[d]!.get(i).map((v) => Math.round(v * 255)), (d * perDigit + i) * 784);
      }
      return `export const perDigit = ${perDigit};\nexport const pixels = ${JSON.stringify(Buffer.from(pixels).toString('base64'))};\n`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative asset paths: the built page works from any folder of a static server
  plugins: [mnistSample()],
  resolve: { conditions: ['@chainrule/source', 'browser', 'module', 'import', 'default'] },
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
  // The digits (2.4 MB) and vega make one large chunk; for an example, one file is simpler.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000 },
});
