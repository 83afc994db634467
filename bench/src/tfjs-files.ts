import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The folder of tfjs-backend-wasm's .wasm files in the installed package, with a trailing
 * separator: what `setupTfjs` needs under Node, and what the browser bench serves to its page.
 *
 * @returns the folder path.
 */
export function tfjsWasmFolder(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
}
