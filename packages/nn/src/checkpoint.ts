import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { platform } from '#platform';
import { ChainruleError, GraphCore, GraphFormatError, decodeTensor, encodeTensor, formatShape, type Graph, type Tensor, type TensorJSON } from '@chainrule/graph';

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
  /**
   * Format version: 2 (written since checksums cover a canonical encoding); version 1 files are
   * still read.
   */
  readonly version: typeof CHECKPOINT_VERSION;
  /** Every variable of the graph: parameters, optimizer state, the step counter. */
  readonly variables: Readonly<Record<string, TensorJSON>>;
  /** Completed runs of each random node, by node id (dropout masks continue where they stopped). */
  readonly random: Readonly<Record<string, number>>;
  /** Caller's progress counters (e.g. completed epochs), non-negative integers, restored as given. */
  readonly progress: Readonly<Record<string, number>>;
  /**
   * SHA-256 (hex) of the canonical encoding of the other fields (JSON with every object's keys in
   * sorted order, no spaces), so the order of the keys in the file does not matter; it detects a
   * damaged file, not a deliberate edit.
   */
  readonly checksum: string;
}

/**
 * The checkpoint format version {@link checkpointToText} writes.
 *
 * @example
 * ```ts
 * JSON.parse(checkpointToText(g)).version === CHECKPOINT_VERSION; // true
 * ```
 */
export const CHECKPOINT_VERSION = 2 as const;

/** Nesting of a checkpoint: file → variables → tensor → data. Deeper input is damaged, and is not walked. */
const MAX_NESTING = 8;

/**
 * The canonical encoding of JSON data: object keys in sorted order (by UTF-16 code units), no
 * whitespace, numbers as JavaScript writes them (the shortest round-trip form).
 */
function canonicalJSON(value: unknown, depth = 0): string {
  if (depth > MAX_NESTING) throw new ChainruleError(`nested more than ${MAX_NESTING} levels deep`);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJSON(v, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${canonicalJSON(record[k], depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The checksum of a body: of its canonical encoding (version 2), or of its text in file order (version 1). */
const digest = (body: Record<string, unknown>, version: number): string =>
  bytesToHex(sha256(utf8ToBytes(version === 1 ? JSON.stringify(body) : canonicalJSON(body))));

/** The runtime's files, or an error saying what to use where there are none (a browser). */
function files(what: string): NonNullable<typeof platform.files> {
  if (platform.files === undefined) {
    throw new ChainruleError(`${what} needs files, which this runtime does not have: use checkpointToText and restoreCheckpoint, and keep the text where the page can (a download, IndexedDB)`);
  }
  return platform.files;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const quote = (v: unknown): string => {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

function checkGraph(what: string, graph: unknown): asserts graph is Graph {
  if (!(graph instanceof GraphCore)) throw new ChainruleError(`${what}: graph must be a Graph, got ${quote(graph)}`);
}

function checkPath(what: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new ChainruleError(`${what}: path must be a non-empty string, got ${quote(path)}`);
}

/** Progress counters to save: a record of non-negative integers. */
function checkProgress(what: string, progress: unknown): Record<string, number> {
  if (!isRecord(progress)) throw new ChainruleError(`${what}: progress must be an object of counters such as { epoch: 3 }, got ${quote(progress)}`);
  for (const [key, value] of Object.entries(progress)) {
    if (!isCount(value)) throw new ChainruleError(`${what}: progress '${key}' is ${quote(value)}, not a count (a non-negative integer)`);
  }
  return { ...(progress as Record<string, number>) };
}

/**
 * A checkpoint as text (a {@link CheckpointJSON} document): every variable (parameters, optimizer
 * state, step counter), the random state and the caller's progress counters, with a SHA-256
 * checksum. The same text in Node and in a browser, bit for bit; {@link saveCheckpoint} writes it to
 * a file.
 *
 * @param graph - the graph whose state to save.
 * @param progress - counters of the caller to save with it (e.g. `{ epoch: 3 }`): non-negative integers.
 * @returns the JSON text.
 * @throws ChainruleError when `graph` is not a graph or a progress value is not a count.
 * @example
 * ```ts
 * localStorage.setItem('run', checkpointToText(g, { epoch }));
 * ```
 */
export function checkpointToText(graph: Graph, progress: Readonly<Record<string, number>> = {}): string {
  checkGraph('checkpointToText', graph);
  const body = {
    format: 'chainrule.checkpoint' as const,
    version: CHECKPOINT_VERSION,
    variables: Object.fromEntries(graph.variables.map((v) => [v.name!, encodeTensor(graph.getVariable(v.name!))])),
    random: { ...graph.randomState() },
    progress: checkProgress('checkpointToText', progress),
  };
  const file: CheckpointJSON = { ...body, checksum: digest(body, CHECKPOINT_VERSION) };
  return JSON.stringify(file);
}

/** What a failing file operation means, for a message. */
function explain(e: unknown): string {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
  const meaning: Readonly<Record<string, string>> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    EROFS: 'the file system is read-only',
    ENAMETOOLONG: 'the name is too long',
  };
  const text = code !== undefined && Object.hasOwn(meaning, code) ? meaning[code] : e instanceof Error ? e.message : String(e);
  return code === undefined ? text! : `${text} (${code})`;
}

/**
 * Saves every variable (parameters, optimizer state, step counter), the random state and the
 * caller's progress to `path` ({@link checkpointToText}), atomically and durably: written to a
 * uniquely named temporary file in the same folder, flushed to the disk, renamed over `path`, and
 * the folder flushed — so neither a crash nor a power loss leaves a half-written checkpoint under
 * `path`. Temporary files that earlier saves of `path` left when their process was killed are
 * removed (only files named `<path>.tmp-<pid>…` of processes no longer running). Needs Node.
 *
 * @param graph - the graph whose state to save.
 * @param path - the file to write.
 * @param progress - counters of the caller to save with it (e.g. `{ epoch: 3 }`): non-negative integers.
 * @throws ChainruleError naming the path and the reason (e.g. `permission denied (EACCES)`, with
 *   the file system's error as `cause`) when the file cannot be written; the previous checkpoint
 *   is then unchanged.
 * @example
 * ```ts
 * saveCheckpoint(g, 'run.ckpt.json', { epoch });
 * ```
 */
export function saveCheckpoint(graph: Graph, path: string, progress: Readonly<Record<string, number>> = {}): void {
  checkPath('saveCheckpoint', path);
  const text = checkpointToText(graph, progress);
  const writer = files('saveCheckpoint');
  try {
    writer.writeTextAtomically(path, text);
  } catch (e) {
    throw new ChainruleError(`saveCheckpoint: cannot write '${path}': ${explain(e)}; the previous checkpoint, if any, is unchanged`, { cause: e });
  }
}

/**
 * Options of {@link restoreCheckpoint} and {@link loadCheckpoint}.
 *
 * @example
 * ```ts
 * restoreCheckpoint(g, text, { counters: [update.step.name!] }); // the step counter must hold a count
 * ```
 */
export interface RestoreOptions {
  /** How error messages name the checkpoint (default `'checkpoint'`, or `checkpoint <path>`). */
  readonly source?: string;
  /** Variables that count (such as an optimizer's step counter): every element must be a non-negative integer. */
  readonly counters?: readonly string[];
}

/**
 * Restores a checkpoint into a graph built the same way. Everything is checked before anything is
 * changed — format, checksum, the exact set of variables with their shapes and dtypes, the random
 * nodes and their run counts, the progress counters — so a corrupt or mismatched checkpoint is
 * rejected with a clear error and leaves the graph as it was.
 *
 * @param graph - the graph to restore into.
 * @param path - the checkpoint file.
 * @param options - which variables are counters.
 * @returns the caller's progress counters saved with it.
 * @throws ChainruleError naming what does not match.
 * @example
 * ```ts
 * const { epoch } = loadCheckpoint(g, 'run.ckpt.json');
 * ```
 */
export function loadCheckpoint(graph: Graph, path: string, options: Omit<RestoreOptions, 'source'> = {}): Record<string, number> {
  checkGraph('loadCheckpoint', graph);
  checkPath('loadCheckpoint', path);
  if (!isRecord(options)) throw new ChainruleError(`loadCheckpoint: options must be an object, got ${quote(options)}`);
  let text: string;
  try {
    text = files('loadCheckpoint').readText(path);
  } catch (e) {
    if (e instanceof ChainruleError) throw e;
    throw new ChainruleError(`checkpoint ${path}: cannot be read (${explain(e)}); nothing was changed`, { cause: e });
  }
  return restoreCheckpoint(graph, text, { ...options, source: `checkpoint ${path}` });
}

/**
 * Restores a checkpoint's text ({@link checkpointToText}) into a graph built the same way, with the
 * checks of {@link loadCheckpoint}: anything wrong is rejected with a clear error and leaves the
 * graph as it was. Reads format versions 1 and 2; a file of a newer version is refused, saying so.
 *
 * @param graph - the graph to restore into.
 * @param text - the checkpoint's JSON text.
 * @param options - how errors name the checkpoint (a string is the `source`), which variables are counters.
 * @returns the caller's progress counters saved with it.
 * @throws ChainruleError naming what does not match.
 * @example
 * ```ts
 * const { epoch } = restoreCheckpoint(g, localStorage.getItem('run')!);
 * ```
 */
export function restoreCheckpoint(graph: Graph, text: string, options: string | RestoreOptions = {}): Record<string, number> {
  checkGraph('restoreCheckpoint', graph);
  if (typeof options !== 'string' && !isRecord(options)) throw new ChainruleError(`restoreCheckpoint: options must be a string (the source) or an object, got ${quote(options)}`);
  const { source = 'checkpoint', counters = [] } = typeof options === 'string' ? { source: options } : options;
  if (typeof source !== 'string') throw new ChainruleError(`restoreCheckpoint: options.source must be a string, got ${quote(source)}`);
  if (!Array.isArray(counters) || !counters.every((c) => typeof c === 'string')) {
    throw new ChainruleError(`restoreCheckpoint: options.counters must be a list of variable names, got ${quote(counters)}`);
  }
  if (typeof text !== 'string') throw new ChainruleError(`restoreCheckpoint: text must be a string, got ${quote(text)}`);
  const fail = (problem: string): never => {
    throw new ChainruleError(`${source}: ${problem}; nothing was changed`);
  };
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (e) {
    return fail(`cannot be read as JSON (${(e as Error).message})`);
  }
  if (!isRecord(file) || file['format'] !== 'chainrule.checkpoint') return fail('is not a chainrule checkpoint');
  const version = file['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > CHECKPOINT_VERSION) {
    fail(`was written in checkpoint format version ${version} by a newer chainrule; this one reads versions 1 to ${CHECKPOINT_VERSION}`);
  }
  if (version !== 1 && version !== CHECKPOINT_VERSION) fail(`is not a chainrule checkpoint of a known version (version ${quote(version)})`);
  const { checksum, ...body } = file;
  let expected: string;
  try {
    expected = digest(body, version as number);
  } catch (e) {
    return fail(`is damaged: ${(e as Error).message}`);
  }
  if (checksum !== expected) fail('is damaged: its checksum does not match its contents');
  for (const field of ['variables', 'random', 'progress'] as const) {
    if (!isRecord(body[field])) fail(`its field '${field}' is not an object`);
  }
  const variables = body['variables'] as Record<string, unknown>;
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
  for (const name of counters) {
    const value = values.get(name);
    if (value === undefined) throw new ChainruleError(`restoreCheckpoint: counter '${name}' is not a variable of this graph`);
    const bad = value.data.findIndex((v) => !isCount(v));
    if (bad >= 0) fail(`variable '${name}' is a counter, but holds ${value.data[bad]}${value.size > 1 ? ` at flat index ${bad}` : ''}, not a non-negative integer`);
  }
  const here = graph.randomState();
  const random = body['random'] as Record<string, unknown>;
  if (Object.keys(random).sort().join() !== Object.keys(here).sort().join()) fail('was saved from a graph with other random nodes');
  for (const [id, runs] of Object.entries(random)) {
    if (!isCount(runs)) fail(`random node #${id} has run count ${quote(runs)}, not a non-negative integer`);
  }
  const progress = body['progress'] as Record<string, unknown>;
  for (const [key, value] of Object.entries(progress)) {
    if (!isCount(value)) fail(`progress '${key}' is ${quote(value)}, not a count (a non-negative integer)`);
  }
  for (const [name, value] of values) graph.setVariable(name, value);
  graph.setRandomState(Object.fromEntries(Object.entries(random).map(([k, n]) => [Number(k), n as number])));
  return { ...(progress as Record<string, number>) };
}
