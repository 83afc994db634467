import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Node only (imported by ./node.ts): how a checkpoint reaches the disk so that no crash, kill or
// power loss leaves anything but the old complete file or the new complete file under its name.

/** Bytes handed to one write call: a kill between two calls leaves a partial temporary file. */
const CHUNK = 1 << 16;

/** Error codes with which a directory refuses fsync on platforms and file systems that cannot sync one. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The name pattern of the temporary files a save of `path` writes: `<file>.tmp-<pid>-<16 hex>`,
 * and `<file>.tmp-<pid>` as the first format (before unique names) wrote them. Group 1 is the pid.
 *
 * @param path - the checkpoint's path.
 * @returns a pattern matched against names in the checkpoint's folder.
 * @example
 * ```ts
 * temporaryPattern('/runs/ckpt.json').test('ckpt.json.tmp-4242-00ff00ff00ff00ff'); // true
 * ```
 */
export function temporaryPattern(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(basename(path))}\\.tmp-([1-9][0-9]*)(?:-[0-9a-f]{16})?$`);
}

/** Whether a process with this id is running (on this machine); `EPERM` means it is, under another user. */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Writes all of `bytes` to `fd`, in chunks. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at));
}

/** Flushes a directory's entries (the rename) to the disk, where the platform can. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    if (DIRECTORY_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) return; // Windows cannot open a folder
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the temporary files that earlier saves of `path` left when their process died between
 * writing and renaming: only names matching {@link temporaryPattern} whose process is no longer
 * running, so a save in progress in another process keeps its file. Best effort: a file that cannot
 * be removed stays (the save it follows has succeeded either way).
 *
 * @param path - the checkpoint's path.
 * @returns the names removed.
 */
export function removeStaleTemporaries(path: string): string[] {
  const dir = dirname(path);
  const pattern = temporaryPattern(path);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null || running(Number(match[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // gone already (another save cleaned it) or not ours to remove: leave it
    }
  }
  return removed;
}

/**
 * Replaces `path` with `text`, atomically and durably: the text goes to a new temporary file of a
 * unique name in the same folder (created exclusively), which is flushed to the disk (fsync), closed
 * and renamed over `path`; then the folder is flushed, so the rename itself survives a power loss.
 * A crash at any moment leaves `path` holding either the old or the new complete text. Afterwards
 * the temporaries of earlier crashed saves of `path` are removed ({@link removeStaleTemporaries}).
 * On failure the temporary file is removed and the error of the failing step is thrown (the old
 * file is untouched).
 *
 * @param path - the file to replace.
 * @param text - its new content (UTF-8).
 * @throws the `node:fs` error of the step that failed (with its `code`, e.g. `EACCES`).
 * @example
 * ```ts
 * writeFileDurably('run.ckpt.json', checkpointToText(g));
 * ```
 */
export function writeFileDurably(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(8).toString('hex')}`;
  const fd = openSync(temporary, 'wx', 0o644); // 'wx': never reuses an existing file
  try {
    try {
      writeAll(fd, Buffer.from(text, 'utf8'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (e) {
    try {
      unlinkSync(temporary);
    } catch {
      // the error to report is the one above; a temporary that cannot be removed is cleaned up by the next save
    }
    throw e;
  }
  syncDirectory(dirname(path));
  removeStaleTemporaries(path);
}
