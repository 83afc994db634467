import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { platform } from '#platform';
import { ChainruleError, GraphFormatError, decodeTensor, encodeTensor, formatShape, type Graph, type Tensor, type TensorJSON } from '@chainrule/graph';

/**
 * What a checkpoint file holds (JSON).
 *
 * @example
 * ```ts
 * const ckpt = JSON.parse(readFileSync('run.ckpt.json', 'utf8')) as CheckpointJSON;
 * ckpt.progress['epoch']; // e.g. 5
 * Object.keys(ckpt.variables); // ['dense1/W', 'dense1/b', …]
 * ```
 */
export interface CheckpointJSON {
  /** Always `'chainrule.checkpoint'`. */
  readonly format: 'chainrule.checkpoint';
  /** Format version, currently 1. */
  readonly version: 1;
  /** Every variable of the graph: parameters, optimizer state, the step counter. */
  readonly variables: Readonly<Record<string, TensorJSON>>;
  /** Completed runs of each random node, by node id (dropout masks continue where they stopped). */
  readonly random: Readonly<Record<string, number>>;
  /** Caller's progress (e.g. completed epochs), restored as given. */
  readonly progress: Readonly<Record<string, number>>;
  /** SHA-256 of the other fields, to detect a damaged file. */
  readonly checksum: string;
}

const digest = (body: Omit<CheckpointJSON, 'checksum'>): string => bytesToHex(sha256(utf8ToBytes(JSON.stringify(body))));

/** The runtime's files, or an error saying what to use where there are none (a browser). */
function files(what: string): NonNullable<typeof platform.files> {
  if (platform.files === undefined) {
    throw new ChainruleError(`${what} needs files, which this runtime does not have: use checkpointToText and restoreCheckpoint, and keep the text where the page can (a download, IndexedDB)`);
  }
  return platform.files;
}

/**
 * A checkpoint as text (a {@link CheckpointJSON} document): every variable (parameters, optimizer
 * state, step counter), the random state and the caller's progress, with a SHA-256 checksum. The
 * same text in Node and in a browser, bit for bit; {@link saveCheckpoint} writes it to a file.
 *
 * @param graph - the graph whose state to save.
 * @param progress - counters of the caller to save with it (e.g. `{ epoch: 3 }`).
 * @returns the JSON text.
 * @example
 * ```ts
 * localStorage.setItem('run', checkpointToText(g, { epoch }));
 * ```
 */
export function checkpointToText(graph: Graph, progress: Readonly<Record<string, number>> = {}): string {
  const body = {
    format: 'chainrule.checkpoint' as const,
    version: 1 as const,
    variables: Object.fromEntries(graph.variables.map((v) => [v.name!, encodeTensor(graph.getVariable(v.name!))])),
    random: { ...graph.randomState() },
    progress: { ...progress },
  };
  const file: CheckpointJSON = { ...body, checksum: digest(body) };
  return JSON.stringify(file);
}

/**
 * Saves every variable (parameters, optimizer state, step counter), the random state and the
 * caller's progress to `path` ({@link checkpointToText}), atomically: written to a temporary file,
 * then renamed over `path`, so a crash never leaves a half-written checkpoint. Needs Node.
 *
 * @param graph - the graph whose state to save.
 * @param path - the file to write.
 * @param progress - counters of the caller to save with it (e.g. `{ epoch: 3 }`).
 * @example
 * ```ts
 * saveCheckpoint(g, 'run.ckpt.json', { epoch });
 * ```
 */
export function saveCheckpoint(graph: Graph, path: string, progress: Readonly<Record<string, number>> = {}): void {
  files('saveCheckpoint').writeTextAtomically(path, checkpointToText(graph, progress));
}

/**
 * Restores a checkpoint into a graph built the same way. Everything is checked before anything is
 * changed — format, checksum, the exact set of variables with their shapes and dtypes, the random
 * nodes — so a corrupt or mismatched checkpoint is rejected with a clear error and leaves the graph
 * as it was.
 *
 * @param graph - the graph to restore into.
 * @param path - the checkpoint file.
 * @returns the caller's progress counters saved with it.
 * @throws ChainruleError naming what does not match.
 * @example
 * ```ts
 * const { epoch } = loadCheckpoint(g, 'run.ckpt.json');
 * ```
 */
export function loadCheckpoint(graph: Graph, path: string): Record<string, number> {
  let text: string;
  try {
    text = files('loadCheckpoint').readText(path);
  } catch (e) {
    if (e instanceof ChainruleError) throw e;
    throw new ChainruleError(`checkpoint ${path}: cannot be read (${(e as Error).message}); nothing was changed`, { cause: e });
  }
  return restoreCheckpoint(graph, text, `checkpoint ${path}`);
}

/**
 * Restores a checkpoint's text ({@link checkpointToText}) into a graph built the same way, with the
 * checks of {@link loadCheckpoint}: anything wrong is rejected with a clear error and leaves the
 * graph as it was.
 *
 * @param graph - the graph to restore into.
 * @param text - the checkpoint's JSON text.
 * @param source - how errors name the checkpoint.
 * @returns the caller's progress counters saved with it.
 * @throws ChainruleError naming what does not match.
 * @example
 * ```ts
 * const { epoch } = restoreCheckpoint(g, localStorage.getItem('run')!);
 * ```
 */
export function restoreCheckpoint(graph: Graph, text: string, source = 'checkpoint'): Record<string, number> {
  const fail = (problem: string): never => {
    throw new ChainruleError(`${source}: ${problem}; nothing was changed`);
  };
  let file: Record<string, unknown>;
  try {
    file = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return fail(`cannot be read as JSON (${(e as Error).message})`);
  }
  if (typeof file !== 'object' || file === null || file['format'] !== 'chainrule.checkpoint' || file['version'] !== 1) fail('is not a chainrule checkpoint (version 1)');
  const { checksum, ...body } = file as unknown as CheckpointJSON;
  if (checksum !== digest(body)) fail('is damaged: its checksum does not match its contents');
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const field of ['variables', 'random', 'progress'] as const) {
    if (!isRecord(body[field])) fail(`its field '${field}' is not an object`);
  }
  const variables = body.variables as Record<string, unknown>;
  const wanted = new Map(graph.variables.map((v) => [v.name!, v]));
  const values = new Map<string, Tensor>();
  for (const name of Object.keys(variables)) {
    const node = wanted.get(name);
    if (node === undefined) fail(`holds variable '${name}', which this graph does not have`);
    let value: Tensor;
    try {
      value = decodeTensor(variables[name], `variables.${name}`);
    } catch (e) {
      return fail(e instanceof GraphFormatError ? e.message : String(e));
    }
    if (value.dtype !== node!.dtype || formatShape(value.shape) !== formatShape(node!.shape)) {
      fail(`variable '${name}' is ${value.dtype} ${formatShape(value.shape)} there but ${node!.dtype} ${formatShape(node!.shape)} here`);
    }
    values.set(name, value);
  }
  for (const name of wanted.keys()) if (!values.has(name)) fail(`lacks variable '${name}' of this graph`);
  const here = graph.randomState();
  const random = body.random as Record<string, unknown>;
  if (Object.keys(random).sort().join() !== Object.keys(here).sort().join()) fail('was saved from a graph with other random nodes');
  for (const [id, runs] of Object.entries(random)) {
    if (typeof runs !== 'number' || !Number.isSafeInteger(runs) || runs < 0) fail(`random node #${id} has run count ${JSON.stringify(runs)}, not a non-negative integer`);
  }
  const progress = body.progress as Record<string, unknown>;
  for (const [key, value] of Object.entries(progress)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`progress '${key}' is ${JSON.stringify(value)}, not a number`);
  }
  for (const [name, value] of values) graph.setVariable(name, value);
  graph.setRandomState(Object.fromEntries(Object.entries(random).map(([k, n]) => [Number(k), n as number])));
  return { ...(progress as Record<string, number>) };
}
