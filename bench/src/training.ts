/**
 * Training contenders timed from the shared initial state. Every contender trains on one reused
 * batch, so left alone its loss falls towards 0, and chainrule's step then slows (float32
 * subnormals, see docs/speed.md): a figure would depend on how many steps the contender had already
 * run. So before every timed block each contender puts its parameters and optimiser state back
 * ({@link TrainingContender.reset}), and every block times the first steps from the shared
 * initialisation. The first losses of each block are checked against those of the first run, so a
 * reset that leaves something behind fails loudly instead of skewing the figures.
 */
import { sameToFloat32, type Contender } from './timing.js';

/** One implementation of a network under training (the MLP of items 1, 4, 5 and 6, the CNN of item 7). */
export interface TrainingContender {
  /** Contender key (`chainrule_interpreter`, `tfjs_cpu`, …). */
  readonly key: string;
  /** Called before each timed block (selects the tfjs backend, applies chainrule's kernel settings). */
  readonly enter: () => Promise<void>;
  /** One training step; returns the loss before the update (a promise for ONNX Runtime, whose runs are async). */
  readonly step: () => number | Promise<number>;
  /** The forward pass alone; returns the loss. */
  readonly forward: () => number | Promise<number>;
  /**
   * Puts the parameters and the optimiser's state (Adam's moments and step count) back to their
   * initial values, as before the first step; called after `enter`.
   */
  readonly reset: () => Promise<void> | void;
  /** Live tensors held by the library, where it counts them (tfjs). */
  readonly liveTensors?: () => number;
}

/** What a training contender computes from the initial state: what every timed block must compute again. */
export interface Opening {
  /** The loss of the forward pass at the initial parameters. */
  readonly loss: number;
  /** The losses of the first training steps (two, or one when the first was too slow for a second). */
  readonly steps: readonly number[];
}

/** A contender's {@link Opening} and how long its first step took (compiling and specialising included). */
export interface FirstRun extends Opening {
  readonly firstStepMs: number;
}

/**
 * Runs a contender's forward pass and its first steps from the initial state, then resets it. The
 * second step's loss depends on the optimiser's state after the first, so checking it after every
 * reset covers that state too; the first step's loss must be the forward pass's.
 *
 * @param c - the contender, not yet run.
 * @param secondStepUnderMs - a second step runs only when the first took at most this long.
 * @returns the losses and the first step's duration.
 * @throws Error when the first step's loss is not the forward pass's (to float32 rounding).
 * @example
 * ```ts
 * const first = await firstRun(contender);
 * const { step, forward } = timedTraining(contender, first);
 * ```
 */
export async function firstRun(c: TrainingContender, secondStepUnderMs = Infinity): Promise<FirstRun> {
  await c.enter();
  const loss = await c.forward();
  const t0 = performance.now();
  const steps = [await c.step()];
  const firstStepMs = performance.now() - t0;
  if (firstStepMs <= secondStepUnderMs) steps.push(await c.step());
  await c.reset();
  if (!sameToFloat32(steps[0]!, loss)) throw new Error(`${c.key}: the first step's loss ${steps[0]} is not the forward pass's ${loss}`);
  return { loss, steps, firstStepMs };
}

/**
 * A training contender's step and forward pass as timed contenders (keys `<key>:step` and
 * `<key>:forward`) that reset it before every block and check the block's first losses.
 *
 * @param c - the contender.
 * @param opening - its losses from the initial state ({@link firstRun}).
 * @returns the two timed contenders.
 * @example
 * ```ts
 * const rates = await interleaved([timedTraining(a, firstA).step, timedTraining(b, firstB).step], plan);
 * ```
 */
export function timedTraining(c: TrainingContender, opening: Opening): { step: Contender; forward: Contender } {
  return {
    step: { key: `${c.key}:step`, enter: c.enter, reset: c.reset, opening: opening.steps, run: c.step },
    forward: { key: `${c.key}:forward`, enter: c.enter, reset: c.reset, opening: [opening.loss], run: c.forward },
  };
}
