// The module vite.config.ts makes from the `mnist` package when the page is built.
declare module 'virtual:mnist-sample' {
  /** Digits per class. */
  export const perDigit: number;
  /** perDigit digits of class 0, then of class 1, …: 784 grey levels 0–255 each, base64. */
  export const pixels: string;
}
