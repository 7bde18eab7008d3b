/**
 * A minimal ZIP writer and reader, STORE method only (no compression): enough to bundle exported
 * data with its images and to read such a bundle back. Pure TS over Uint8Array/Blob.
 * Layout and field meanings follow PKWARE's APPNOTE.TXT (sections 4.3 and 4.4); no ZIP64.
 */
import { AppError } from '../errors.ts';

export interface ZipEntry {
  /** Forward-slash path inside the archive, e.g. `images/1-img1.png`. */
  path: string;
  data: Uint8Array | Blob;
  /** Stored as a DOS timestamp (2-second precision, local fields taken as UTC); defaults to now. */
  modified?: Date;
}

export interface UnzippedEntry {
  path: string;
  data: Uint8Array;
}

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_RECORD_SIZE = 22;
const VERSION = 20; // 2.0: the lowest version that knows folders and STORE
// Made by "Unix": with the MS-DOS host byte, Info-ZIP's unzip re-encodes names as OEM code page even when flagged UTF-8.
const MADE_BY_UNIX = (3 << 8) | VERSION;
const REGULAR_FILE_RW_R_R = (0o100644 << 16) >>> 0;
const FLAG_UTF8 = 1 << 11;
const FLAG_ENCRYPTED = 1;
const METHOD_STORE = 0;
const MAX_UINT32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected, as ZIP and PNG use it) of `bytes`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Writes a STORE-only zip of `entries`, in order. */
export async function zipFiles(entries: readonly ZipEntry[]): Promise<Blob> {
  if (entries.length > MAX_ENTRIES) {
    throw new AppError('file-too-large', `A zip can hold at most ${MAX_ENTRIES} files here; this one would have ${entries.length}.`);
  }
  const encoder = new TextEncoder();
  const seen = new Set<string>();
  const parts: BlobPart[] = [];
  const central: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (const entry of entries) {
    checkPath(entry.path, seen);
    const data = entry.data instanceof Blob ? new Uint8Array(await entry.data.arrayBuffer()) : entry.data;
    const name = encoder.encode(entry.path);
    const fields: HeaderFields = {
      name,
      crc: crc32(data),
      size: data.length,
      dos: dosDateTime(entry.modified ?? new Date()),
    };
    if (offset + LOCAL_HEADER_SIZE + name.length + data.length > MAX_UINT32) {
      throw new AppError('file-too-large', 'The export is larger than 4 GB, more than a zip without ZIP64 can hold. Export fewer episodes at once.');
    }
    const local = localHeader(fields);
    parts.push(local, ownBuffer(data));
    central.push(centralHeader(fields, offset));
    offset += local.length + data.length;
  }
  const centralSize = central.reduce((sum, h) => sum + h.length, 0);
  parts.push(...central, endRecord(entries.length, centralSize, offset));
  return new Blob(parts, { type: 'application/zip' });
}

/** Reads every file of a STORE-only zip; compressed, encrypted or damaged archives get a clear error. */
export async function unzipFiles(blob: Blob): Promise<UnzippedEntry[]> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndRecord(view);
  const count = view.getUint16(end + 10, true);
  const centralSize = view.getUint32(end + 12, true);
  const centralOffset = view.getUint32(end + 16, true);
  if (centralOffset + centralSize > end) corrupt('its file directory points past the end of the file');
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const files: UnzippedEntry[] = [];
  let at = centralOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER_SIZE > end || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      corrupt(`entry ${i + 1} of its file directory is unreadable`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const storedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const path = decoder.decode(bytes.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength));
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;

    if (flags & FLAG_ENCRYPTED) unsupported(`"${path}" is encrypted`);
    if (method !== METHOD_STORE) unsupported(`"${path}" is compressed (method ${method})`);
    if (size === MAX_UINT32 || localOffset === MAX_UINT32) unsupported(`"${path}" uses ZIP64`);
    if (size !== storedSize) corrupt(`"${path}" has different stored and original sizes`);
    if (localOffset + LOCAL_HEADER_SIZE > bytes.length || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) {
      corrupt(`the header of "${path}" is missing`);
    }
    const start =
      localOffset + LOCAL_HEADER_SIZE + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (start + size > bytes.length) corrupt(`"${path}" is cut short`);
    const data = bytes.slice(start, start + size);
    if (crc32(data) !== crc) corrupt(`"${path}" fails its checksum`);
    if (!path.endsWith('/')) files.push({ path, data });
  }
  return files;
}

interface HeaderFields {
  name: Uint8Array;
  crc: number;
  size: number;
  dos: { time: number; date: number };
}

/** Fields shared by the local and central headers, from "version needed" to "extra length". */
function writeCommon(view: DataView, at: number, f: HeaderFields): void {
  view.setUint16(at, VERSION, true); // version needed to extract
  view.setUint16(at + 2, FLAG_UTF8, true);
  view.setUint16(at + 4, METHOD_STORE, true);
  view.setUint16(at + 6, f.dos.time, true);
  view.setUint16(at + 8, f.dos.date, true);
  view.setUint32(at + 10, f.crc, true);
  view.setUint32(at + 14, f.size, true); // compressed size: the same under STORE
  view.setUint32(at + 18, f.size, true);
  view.setUint16(at + 22, f.name.length, true);
  view.setUint16(at + 24, 0, true); // extra field length
}

function localHeader(f: HeaderFields): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(LOCAL_HEADER_SIZE + f.name.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, LOCAL_SIGNATURE, true);
  writeCommon(view, 4, f);
  header.set(f.name, LOCAL_HEADER_SIZE);
  return header;
}

function centralHeader(f: HeaderFields, localOffset: number): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array(CENTRAL_HEADER_SIZE + f.name.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, CENTRAL_SIGNATURE, true);
  view.setUint16(4, MADE_BY_UNIX, true);
  writeCommon(view, 6, f);
  // comment length, disk number and internal attributes stay 0
  view.setUint32(38, REGULAR_FILE_RW_R_R, true);
  view.setUint32(42, localOffset, true);
  header.set(f.name, CENTRAL_HEADER_SIZE);
  return header;
}

function endRecord(count: number, centralSize: number, centralOffset: number): Uint8Array<ArrayBuffer> {
  const record = new Uint8Array(END_RECORD_SIZE);
  const view = new DataView(record.buffer);
  view.setUint32(0, END_SIGNATURE, true);
  view.setUint16(8, count, true); // entries on this disk
  view.setUint16(10, count, true);
  view.setUint32(12, centralSize, true);
  view.setUint32(16, centralOffset, true);
  return record;
}

/** The end record sits in the last 22 bytes, or further back when the archive has a comment. */
function findEndRecord(view: DataView): number {
  const last = view.byteLength - END_RECORD_SIZE;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (view.getUint32(at, true) === END_SIGNATURE && at + END_RECORD_SIZE + view.getUint16(at + 20, true) === view.byteLength) {
      return at;
    }
  }
  return corrupt('it has no zip directory (it may not be a zip, or it was cut short)');
}

/** MS-DOS date and time: years from 1980, 2-second steps. Dates outside 1980..2107 are clamped. */
export function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, date.getUTCFullYear()));
  if (year !== date.getUTCFullYear()) return { time: 0, date: ((year - 1980) << 9) | (1 << 5) | 1 };
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** Blob parts may not be views of shared memory; copy those. */
function ownBuffer(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
}

function checkPath(path: string, seen: Set<string>): void {
  const bad = (why: string): never => {
    throw new AppError('invalid-input', `Cannot put "${path}" in a zip: ${why}.`);
  };
  if (path.length === 0) bad('the path is empty');
  if (path.startsWith('/') || path.includes('\\')) bad('paths must be relative and use forward slashes');
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) bad('the path has an empty, "." or ".." part');
  if (seen.has(path)) bad('another file has the same path');
  seen.add(path);
}

function corrupt(why: string): never {
  throw new AppError('corrupt-file', `This zip file cannot be read: ${why}.`);
}

function unsupported(why: string): never {
  throw new AppError(
    'unsupported-file',
    `This zip file cannot be read: ${why}. Only uncompressed zips, like the ones this app exports, can be imported.`,
  );
}
