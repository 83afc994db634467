// Node only (a pseudo-terminal through util-linux's `script`): Ctrl-C during a run with a progress
// bar leaves the user's terminal as it was, cursor visible.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from './files.js';

const nn = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const graph = fileURLToPath(new URL('../../graph/src/index.ts', import.meta.url));

describe('a progress bar interrupted by Ctrl-C', () => {
  it('leaves the cursor visible', { timeout: 60_000 }, async () => {
    const { dir, cleanup } = temporaryFolder('interrupt');
    try {
      const child = join(dir, 'train.ts');
      writeFileSync(child, [
        `import { Tensor } from ${JSON.stringify(graph)};`,
        `import { Trainer, dense, sequential, squaredLoss } from ${JSON.stringify(nn)};`,
        `import { sgd } from ${JSON.stringify(fileURLToPath(new URL('../../optim/src/index.ts', import.meta.url)))};`,
        `const t = new Trainer({ model: sequential([dense(64, { activation: 'tanh' }), dense(1)]), inputUnits: 64, targetUnits: 1, loss: squaredLoss, rule: sgd({ lr: 1e-3 }) });`,
        `const x = new Tensor(new Float64Array(4096 * 64).fill(0.5), [4096, 64]);`,
        `t.fit({ x, y: new Tensor(new Float64Array(4096), [4096, 1]) }, { epochs: 100000, batchSize: 1, progress: 'bar' });`,
      ].join('\n'));
      const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
      const run = spawn('script', ['-qefc', `${tsx} --conditions=@chainrule/source ${child}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      run.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
      run.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no progress bar within 40 s:\n${out}`)), 40_000);
        const poll = setInterval(() => {
          if (/\d+\/4096 batches/.test(out)) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 50);
      });
      run.stdin.write('\x03'); // Ctrl-C, through the pseudo-terminal's line discipline
      const code = await new Promise<number | null>((resolve) => run.on('exit', (c) => resolve(c)));
      expect(code).not.toBe(0); // interrupted, not finished
      const hidden = out.lastIndexOf('\x1b[?25l');
      const shown = out.lastIndexOf('\x1b[?25h');
      expect(hidden === -1 || shown > hidden, 'the cursor was left hidden').toBe(true);
    } finally {
      cleanup();
    }
  });
});
