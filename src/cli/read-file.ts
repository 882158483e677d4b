/**
 * Reading the files a user names (a CSV, a saved model): only regular
 * files, no larger than a limit checked with stat before a byte is read,
 * so that a folder, a device (/dev/zero), a named pipe or a huge file is a
 * one-line error instead of a crash, a hang or an out-of-memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { cliFail } from './args.js';
import { showBytes } from './limits.js';

export interface FileToRead {
  path: string;
  /** What the file should be, for messages: "a CSV file", "the saved model's weights". */
  what: string;
  maxBytes: number;
  /** What to do about a wrong file, e.g. "give the path of a CSV file with --csv". */
  hint: string;
  /** The whole message when the file does not exist; default "no such file: PATH; HINT". */
  missing?: string;
}

/** The bytes of a regular file of at most `maxBytes`, or a one-line error naming the problem. */
export function readRegularFile(file: FileToRead): Buffer {
  checkRegularFile(statOrFail(file), file);
  const fd = openOrFail(file);
  try {
    // the path may have been swapped since the stat: check what was opened
    const opened = fstatSync(fd);
    checkRegularFile(opened, file);
    return readAll(fd, opened.size, file);
  } finally {
    closeSync(fd);
  }
}

/** A UTF-8 file's text; invalid UTF-8 is an error rather than silently replaced characters. */
export function decodeUtf8(bytes: Uint8Array, file: FileToRead): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    cliFail(`${file.path} is not UTF-8 text; save it as UTF-8 (in a spreadsheet: "CSV UTF-8")`);
  }
}

function statOrFail(file: FileToRead): Stats {
  try {
    return statSync(file.path);
  } catch (e) {
    failToRead(e, file);
  }
}

function checkRegularFile(info: Stats, file: FileToRead): void {
  if (info.isDirectory()) cliFail(`${file.path} is a folder, not ${file.what}; ${file.hint}`);
  if (!info.isFile()) cliFail(`${file.path} is not a regular file (a device, pipe or socket?), so it cannot be ${file.what}; ${file.hint}`);
  if (info.size > file.maxBytes) cliFail(`${file.path} is ${info.size.toLocaleString('en-US')} bytes, more than the ${showBytes(file.maxBytes)} ${file.what} may have`);
}

function openOrFail(file: FileToRead): number {
  try {
    // non-blocking, so that a named pipe swapped in after the stat cannot make open() wait forever
    return openSync(file.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    failToRead(e, file);
  }
}

/** Up to `size` bytes (the size fstat gave; a file that shrank since gives fewer). */
function readAll(fd: number, size: number, file: FileToRead): Buffer {
  const buffer = Buffer.alloc(size);
  let filled = 0;
  try {
    while (filled < size) {
      const n = readSync(fd, buffer, filled, size - filled, null);
      if (n === 0) break;
      filled += n;
    }
  } catch (e) {
    failToRead(e, file);
  }
  return buffer.subarray(0, filled);
}

function failToRead(e: unknown, file: FileToRead): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') cliFail(file.missing ?? `no such file: ${file.path}; ${file.hint}`);
  if (code === 'EACCES' || code === 'EPERM') cliFail(`cannot read ${file.path}: permission denied; make it readable or ${file.hint}`);
  if (code === 'EISDIR') cliFail(`${file.path} is a folder, not ${file.what}; ${file.hint}`);
  cliFail(`cannot read ${file.path}: ${(e as Error).message}`);
}
