// The digits of the page: 400 of each class from the `mnist` package (the examples' data), bundled as
// bytes when the page is built (a chunk of their own, loaded after the page is up), split into 3,000
// training and 1,000 held-out test digits.
import { Tensor } from '@chainrule/graph';
import { trainValidationSplit, type Dataset } from '@chainrule/nn';

/** Training and test digits (inputs in [0, 1], one-hot targets), and the test labels. */
export interface Digits {
  /** 3,000 digits to train on. */
  readonly train: Dataset;
  /** 1,000 digits never trained on. */
  readonly test: Dataset;
  /** The class of each test digit. */
  readonly testLabels: readonly number[];
}

/** Seed of the split (fixed: every visitor trains on the same digits). */
const SPLIT_SEED = 3;

/**
 * Loads the bundled digits, decodes and splits them.
 *
 * @returns the split.
 */
export async function loadDigits(): Promise<Digits> {
  const { perDigit, pixels } = await import('virtual:mnist-sample');
  const text = atob(pixels);
  const m = 10 * perDigit;
  const x = new Float64Array(text.length);
  for (let i = 0; i < text.length; i++) x[i] = text.charCodeAt(i) / 255;
  const y = new Float64Array(m * 10);
  for (let i = 0; i < m; i++) y[i * 10 + Math.floor(i / perDigit)] = 1;
  const { train, validation: test } = trainValidationSplit({ x: new Tensor(x, [m, 784]), y: new Tensor(y, [m, 10]) }, 0.25, SPLIT_SEED);
  const testLabels = Array.from({ length: test.y.shape[0]! }, (_, i) => test.y.data.subarray(i * 10, i * 10 + 10).indexOf(1));
  return { train, test, testLabels };
}
