import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { writeFileDurably } from './durable-file.js';
import type { NnPlatform } from './platform.js';

/**
 * Node: progress on standard output (a `cli-progress` bar on an interactive terminal outside CI),
 * files through `node:fs`.
 *
 * @example
 * ```ts
 * platform.files?.writeTextAtomically('run.ckpt.json', text);
 * ```
 */
export const platform: NnPlatform = {
  terminal: {
    get interactive() {
      return process.stdout.isTTY === true && !process.env['CI'];
    },
    write: (line) => void process.stdout.write(`${line}\n`),
    bar(format, total) {
      // The cursor stays visible: a Ctrl-C ends the process at once (training is synchronous, so no
      // handler could run), and a hidden cursor would stay hidden in the user's terminal.
      const bar = new SingleBar({ format, hideCursor: false }, Presets.shades_classic);
      bar.start(total, 0, { loss: '-' });
      return { update: (done, loss) => bar.update(done, { loss }), stop: () => bar.stop() };
    },
  },
  files: {
    readText: (path) => readFileSync(path, 'utf8'),
    writeTextAtomically: writeFileDurably,
  },
};
