// A Vite plugin shared by the browser example and the docs playground: the first digits of each class
// of the `mnist` package as bytes, made in Node when a page is built.
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/**
 * `virtual:mnist-sample`: the first `perDigit` digits of each class of the `mnist` package as bytes
 * (784 grey levels 0–255 per digit, base64, class 0 first), so that a page loads 0.8 MB per 100
 * digits of each class instead of the package's 41 MB of JSON.
 */
export function mnistSample(perDigit: number): Plugin {
  const id = 'virtual:mnist-sample';
  return {
    name: 'mnist-sample',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(resolved) {
      if (resolved !== `\0${id}`) return undefined;
      const digits = createRequire(import.meta.url)('mnist') as readonly { length: number; get(i: number): number[] }[];
      const pixels = new Uint8Array(10 * perDigit * 784);
      for (let d = 0; d < 10; d++) {
        if (perDigit > digits[d]!.length) throw new Error(`mnist-sample: the mnist package has ${digits[d]!.length} digits of class ${d}, ${perDigit} asked`);
        for (let i = 0; i < perDigit; i++) pixels.set(digits[d]!.get(i).map((v) => Math.round(v * 255)), (d * perDigit + i) * 784);
      }
      return `export const perDigit = ${perDigit};\nexport const pixels = ${JSON.stringify(Buffer.from(pixels).toString('base64'))};\n`;
    },
  };
}
