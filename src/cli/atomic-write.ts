/**
 * Writing a command's output files so that a failure (a full disk, a file
 * size limit, a read-only folder, Ctrl-C) never leaves a file half-written
 * or an old file destroyed:
 *
 *  1. every file is written to a temporary file in the target's folder
 *     (so the rename below stays on one file system), in full, and
 *     fsync'd. If any write fails, every temporary file is removed and no
 *     target has changed;
 *  2. only then are the temporary files renamed over their targets, in
 *     the order given. A rename replaces a file atomically: a reader sees
 *     the old file or the new one, never a mix.
 *
 * Files that must change together (model.json and model.safetensors) are
 * not replaced by one atomic step — no file system offers that — but both
 * are fully written before either is renamed, so only a crash between two
 * renames can separate them; the saved model records its weights' size
 * and SHA-256 so that such a pair is refused when loaded (src/forecast/saved.ts).
 *
 * SIGINT, SIGTERM and SIGHUP are held while the files are written and
 * renamed, and act once the files are in place (or cleaned up).
 */
import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cliFail } from './args.js';

export interface OutputFile {
  /** The file's name inside the output folder. */
  name: string;
  data: string | Uint8Array;
}

/** Write `files` into `dir` (created if missing), each complete or not at all; the paths written, in order. */
export function writeFilesAtomically(dir: string, files: OutputFile[]): string[] {
  return holdingSignals(() => {
    makeFolder(dir);
    for (const f of files) checkReplaceable(join(dir, f.name));
    const temps: string[] = [];
    try {
      for (const f of files) temps.push(writeTemp(dir, f));
    } catch (e) {
      removeAll(temps);
      throw e;
    }
    renameAll(dir, files, temps);
    syncFolder(dir);
    return files.map((f) => join(dir, f.name));
  });
}

function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    cliFail(`cannot create the output folder ${dir}: ${reason(e)}; choose another with --out`);
  }
}

/** A target that is a folder (or anything but a file or link) would make its rename fail after others succeeded. */
function checkReplaceable(path: string): void {
  let isFileOrLink = true;
  try {
    const info = lstatSync(path);
    isFileOrLink = info.isFile() || info.isSymbolicLink();
  } catch {
    // missing: it will be created
  }
  if (!isFileOrLink) cliFail(`cannot write ${path}: something that is not a file is in the way; move it or choose another folder with --out`);
}

/** The temporary file's path, fully written and on disk; on failure nothing is left behind. */
function writeTemp(dir: string, f: OutputFile): string {
  const temp = join(dir, `.${f.name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const keepMode = permissionsOf(join(dir, f.name));
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o666); // 'x': never reuse or follow an existing file
  } catch (e) {
    cliFail(`cannot write ${join(dir, f.name)}: ${reason(e)}; nothing in ${dir} was changed`);
  }
  try {
    // a file the user made private (chmod 600) stays private when it is replaced
    if (keepMode !== undefined) fchmodSync(fd, keepMode);
    writeFileSync(fd, f.data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeAll([temp]);
    cliFail(`cannot write ${join(dir, f.name)}: ${reason(e)}; nothing in ${dir} was changed`);
  }
  closeSync(fd);
  return temp;
}

/** The permission bits of an existing regular file, or undefined (a new file gets the default, umask applied). */
function permissionsOf(path: string): number | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? info.mode & 0o777 : undefined;
  } catch {
    return undefined;
  }
}

function renameAll(dir: string, files: OutputFile[], temps: string[]): void {
  for (let i = 0; i < files.length; i++) {
    try {
      renameSync(temps[i], join(dir, files[i].name));
    } catch (e) {
      removeAll(temps.slice(i));
      const done = files.slice(0, i).map((f) => f.name);
      cliFail(`cannot replace ${join(dir, files[i].name)}: ${reason(e)}; ${done.length ? `only ${done.join(', ')} ${done.length === 1 ? 'was' : 'were'} replaced` : 'nothing was changed'}`);
    }
  }
}

/** Make the renames themselves durable. Best effort: some platforms (Windows) cannot open or sync a folder. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the files are complete and in place; only their durability across a power cut is less certain
  }
}

function removeAll(paths: string[]): void {
  for (const p of paths) rmSync(p, { force: true });
}

/** Why a write failed, in words a user can act on. */
export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EFBIG': return 'the file would be larger than this process may write (ulimit -f)';
    case 'ENOSPC': return 'the disk is full';
    case 'EDQUOT': return 'the disk quota is used up';
    case 'EACCES': case 'EPERM': return 'permission denied (the folder is not writable)';
    case 'EROFS': return 'the file system is read-only';
    default: return (e as Error).message;
  }
}

const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Run `work` (synchronous) with the signals that would kill the process
 * held back, then deliver the first one that came. Listening is enough to
 * hold them: Node runs a signal's listeners only after synchronous code.
 */
function holdingSignals<T>(work: () => T): T {
  let received: NodeJS.Signals | undefined;
  const note = (s: NodeJS.Signals) => { received ??= s; };
  for (const s of HELD_SIGNALS) process.on(s, note);
  const deliver = () => {
    for (const s of HELD_SIGNALS) process.off(s, note);
    if (received) process.kill(process.pid, received);
  };
  try {
    return work();
  } finally {
    // the signal arrives on the event loop, after `work`: check for it on the next turn
    setImmediate(deliver);
  }
}
