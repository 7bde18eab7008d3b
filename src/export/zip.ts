/**
 * Trajectory and training bundles as zip files, through fflate: STORE for images (already
 * compressed), DEFLATE for the JSON, and any archive a user re-zipped (STORE or DEFLATE, ZIP64)
 * reads back. fflate does not check checksums, so reading verifies each file's CRC-32 against
 * the zip directory: a damaged bundle is refused rather than imported with broken images.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { AppError } from '../errors.ts';

export interface ZipEntry {
  /** Forward-slash path inside the archive, e.g. `images/1-img1.png`. */
  path: string;
  data: Uint8Array | Blob;
  /** Defaults to now. */
  modified?: Date;
}

export interface UnzippedEntry {
  path: string;
  data: Uint8Array;
}

// Made by "Unix": for an MS-DOS host, Info-ZIP's unzip re-encodes names as OEM code page even when flagged UTF-8.
const UNIX = 3;
const REGULAR_FILE_RW_R_R = (0o100644 << 16) >>> 0;

/** Formats whose bytes are compressed already: deflating them again only costs time. */
const COMPRESSED = /\.(png|jpe?g|webp|gif|zip|gz|pdf)$/i;

export async function zipFiles(entries: readonly ZipEntry[]): Promise<Blob> {
  const seen = new Set<string>();
  const files: Zippable = {};
  for (const entry of entries) {
    checkPath(entry.path, seen);
    const data = entry.data instanceof Blob ? new Uint8Array(await entry.data.arrayBuffer()) : entry.data;
    files[entry.path] = [data, { level: COMPRESSED.test(entry.path) ? 0 : 6, mtime: entry.modified ?? new Date(), os: UNIX, attrs: REGULAR_FILE_RW_R_R }];
  }
  return new Blob([zipSync(files)], { type: 'application/zip' });
}

export async function unzipFiles(blob: Blob): Promise<UnzippedEntry[]> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const expected = directoryChecksums(bytes);
  let read: Map<string, Uint8Array>;
  try {
    read = unzipInOrder(bytes);
  } catch (cause) {
    const why = /compression/i.test(String(cause)) ? 'it uses a compression method other than STORE or DEFLATE' : 'its contents are damaged';
    throw new AppError('corrupt-file', `This zip file cannot be read: ${why}.`, { cause });
  }
  return [...read].map(([raw, data]) => {
    const path = utf8Name(raw);
    if (crc32(data) !== expected.get(path)) throw new AppError('corrupt-file', `This zip file cannot be read: "${path}" fails its checksum (the file is damaged).`);
    return { path, data };
  });
}

/**
 * The archive's files (folders left out) by name, in archive order. fflate returns them as a plain
 * object keyed by name, where integer-like names come first and `files['__proto__'] = …` sets the
 * object's prototype instead of a key; so the order is taken from its filter, and a file named
 * `__proto__` is read on its own, from the prototype of a result that holds nothing else.
 */
function unzipInOrder(bytes: Uint8Array): Map<string, Uint8Array> {
  const names: string[] = [];
  const files = unzipSync(bytes, {
    filter: ({ name }) => {
      if (name.endsWith('/')) return false;
      names.push(name);
      return name !== '__proto__';
    },
  });
  const out = new Map<string, Uint8Array>();
  for (const name of names) {
    const data: unknown = name === '__proto__' ? Object.getPrototypeOf(unzipSync(bytes, { filter: (f) => f.name === name })) : files[name];
    if (!(data instanceof Uint8Array)) throw new Error(`"${name}" could not be read`);
    out.set(name, data);
  }
  return out;
}

/** File name -> CRC-32, from the zip's central directory. */
function directoryChecksums(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndRecord(view);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const sums = new Map<string, number>();
  for (let i = 0; i < count && at + 46 <= bytes.length; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) break;
    const nameLength = view.getUint16(at + 28, true);
    const name = utf8Name(String.fromCharCode(...bytes.subarray(at + 46, at + 46 + nameLength)));
    sums.set(name, view.getUint32(at + 16, true));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return sums;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Zippers write UTF-8 names without always setting the UTF-8 flag (Info-ZIP's zip does not);
 * fflate then reads their bytes as Latin-1. Names whose bytes are valid UTF-8 are read as UTF-8.
 */
function utf8Name(name: string): string {
  if (!/[\x80-\xff]/.test(name) || /[^\x00-\xff]/.test(name)) return name;
  try {
    return strictUtf8.decode(Uint8Array.from(name, (c) => c.charCodeAt(0)));
  } catch {
    return name;
  }
}

/** The end record sits in the last 22 bytes, or further back when the archive has a comment. */
function findEndRecord(view: DataView): number {
  const last = view.byteLength - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (view.getUint32(at, true) === 0x06054b50 && at + 22 + view.getUint16(at + 20, true) === view.byteLength) return at;
  }
  throw new AppError('corrupt-file', 'This zip file cannot be read: it has no zip directory (it may not be a zip, or it was cut short).');
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkPath(path: string, seen: Set<string>): void {
  const bad = (why: string): never => {
    throw new AppError('invalid-input', `Cannot put "${path}" in a zip: ${why}.`);
  };
  if (path.length === 0) bad('the path is empty');
  if (path.startsWith('/') || path.includes('\\')) bad('paths must be relative and use forward slashes');
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) bad('the path has an empty, "." or ".." part');
  // fflate keys its files by path in plain objects, where this one name sets the prototype: the file would be dropped.
  if (path === '__proto__') bad('the zip library cannot hold a file by that name');
  if (seen.has(path)) bad('another file has the same path');
  seen.add(path);
}
