import type { NnPlatform } from './platform.js';

/**
 * Browsers: progress lines to the console (no live bar: a page shows progress through `fit`'s
 * epoch callbacks), and no files — checkpoints are text (`checkpointToText`) to store as the page
 * likes.
 *
 * @example
 * ```ts
 * platform.files; // undefined
 * ```
 */
export const platform: NnPlatform = {
  terminal: {
    interactive: false,
    write: (line) => console.log(line),
    bar: () => ({ update: () => undefined, stop: () => undefined }),
  },
  files: undefined,
};
