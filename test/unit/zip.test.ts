import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { crc32, unzipFiles, zipFiles, type ZipEntry } from '../../src/export/zip.ts';

const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string) => new TextEncoder().encode(s);
const random = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
};
const MODIFIED = new Date(Date.UTC(2025, 4, 17, 13, 45, 30));

const ENTRIES: ZipEntry[] = [
  { path: 'data.json', data: text('[{"messages":[],"images":["images/1-img1.png"]}]'), modified: MODIFIED },
  { path: 'images/1-img1.png', data: new Blob([random(70_000, 7)]), modified: MODIFIED },
  { path: 'images/空白-ü.txt', data: text('UTF-8 name, UTF-8 content: 你好'), modified: MODIFIED },
  { path: 'empty.txt', data: new Uint8Array(0), modified: MODIFIED },
];

async function writeArchive(name: string, entries = ENTRIES): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, new Uint8Array(await (await zipFiles(entries)).arrayBuffer()));
  return file;
}

async function bytesOf(entry: ZipEntry): Promise<Uint8Array> {
  return entry.data instanceof Blob ? new Uint8Array(await entry.data.arrayBuffer()) : entry.data;
}

async function expectAppError(work: Promise<unknown>, code: string, message: RegExp) {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(message);
}

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(text('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('continues across chunks', () => {
    const all = random(1000, 3);
    expect(crc32(all.subarray(400), crc32(all.subarray(0, 400)))).toBe(crc32(all));
  });
});

describe('zipFiles / unzipFiles', () => {
  it('round-trips names and bytes in order', async () => {
    const files = await unzipFiles(await zipFiles(ENTRIES));
    expect(files.map((f) => f.path)).toEqual(ENTRIES.map((e) => e.path));
    for (const [i, entry] of ENTRIES.entries()) expect(files[i]!.data).toEqual(await bytesOf(entry));
  });

  it('is read by the system unzip: listing, names, timestamps and identical bytes', async () => {
    const archive = await writeArchive('bundle.zip');
    execFileSync('unzip', ['-tq', archive]); // throws on any CRC or structure error
    const listing = execFileSync('unzip', ['-Z', '-l', archive], { encoding: 'utf8' });
    for (const entry of ENTRIES) expect(listing).toContain(entry.path);
    // Images are stored as they are (already compressed), the JSON deflated.
    expect(listing).toMatch(/images\/1-img1\.png/);
    expect(listing).toMatch(/stor.*images\/1-img1\.png/);
    expect(listing).toMatch(/defN.*data\.json/);
    for (const entry of ENTRIES) {
      const extracted = execFileSync('unzip', ['-p', archive, entry.path]);
      expect(new Uint8Array(extracted)).toEqual(await bytesOf(entry));
    }
  });

  it("is read by Python's zipfile, names in UTF-8 included", async () => {
    const archive = await writeArchive('py.zip');
    const script = [
      'import sys, zipfile, json, hashlib',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print(json.dumps([[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))',
    ].join('\n');
    const out = JSON.parse(execFileSync('python3', ['-c', script, archive], { encoding: 'utf8' })) as unknown[][];
    const { createHash } = await import('node:crypto');
    const expected = await Promise.all(
      ENTRIES.map(async (e) => [e.path, e.path.endsWith('.png') ? 0 : 8, createHash('sha256').update(await bytesOf(e)).digest('hex')]),
    );
    expect(out).toEqual(expected);
  });

  it('reads a STORE archive written by Info-ZIP (extra fields, folder entries)', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'images'), { recursive: true });
    writeFileSync(join(src, 'data.json'), '{"a":1}');
    writeFileSync(join(src, 'images', 'x.bin'), random(5000, 11));
    const archive = join(dir, 'infozip.zip');
    execFileSync('zip', ['-0', '-r', '-q', archive, 'data.json', 'images'], { cwd: src });
    const files = await unzipFiles(new Blob([readFileSync(archive)]));
    expect(files.map((f) => f.path).sort()).toEqual(['data.json', 'images/x.bin']);
    expect(files.find((f) => f.path === 'images/x.bin')!.data).toEqual(random(5000, 11));
  });

  it('reads a bundle a user unzipped and zipped again with DEFLATE', async () => {
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked, { recursive: true });
    execFileSync('unzip', ['-q', '-o', await writeArchive('original.zip'), '-d', unpacked]);
    const archive = join(dir, 'rezipped.zip');
    execFileSync('zip', ['-9', '-r', '-q', archive, '.'], { cwd: unpacked });
    const files = await unzipFiles(new Blob([readFileSync(archive)]));
    for (const entry of ENTRIES) expect(files.find((f) => f.path === entry.path)?.data).toEqual(await bytesOf(entry));
  });

  it('reads every file whatever its name, in archive order: __proto__, constructor, toString, integer-like names', async () => {
    const names = ['data.json', '__proto__', 'constructor', 'toString', '2', 'hasOwnProperty'];
    const src = join(dir, 'odd-names');
    mkdirSync(src, { recursive: true });
    names.forEach((name, i) => writeFileSync(join(src, name), random(100 + i, i + 1)));
    const archive = join(dir, 'odd-names.zip');
    execFileSync('zip', ['-q', archive, ...names], { cwd: src });
    const files = await unzipFiles(new Blob([readFileSync(archive)]));
    expect(files.map((f) => f.path)).toEqual(names);
    names.forEach((name, i) => expect([name, files[i]!.data]).toEqual([name, random(100 + i, i + 1)]));
  });

  it('rejects damaged archives and files that are not zips', async () => {
    const bytes = new Uint8Array(await (await zipFiles(ENTRIES)).arrayBuffer());
    const flipped = bytes.slice();
    flipped[200] = flipped[200]! ^ 0xff; // inside the 70 kB image's data
    await expectAppError(unzipFiles(new Blob([flipped])), 'corrupt-file', /"images\/1-img1.png" fails its checksum/);
    await expectAppError(unzipFiles(new Blob([bytes.slice(0, 50_000)])), 'corrupt-file', /no zip directory/);
    await expectAppError(unzipFiles(new Blob([text('{"not": "a zip"}')])), 'corrupt-file', /no zip directory/);
  });

  it('refuses paths that could escape or collide', async () => {
    // `__proto__`: fflate keys files by path in a plain object, where that name would drop the file.
    for (const path of ['', '/abs.txt', '../up.txt', 'a//b', 'win\\path', '__proto__']) {
      await expectAppError(zipFiles([{ path, data: text('x') }]), 'invalid-input', /Cannot put/);
    }
    await expectAppError(
      zipFiles([
        { path: 'same', data: text('1') },
        { path: 'same', data: text('2') },
      ]),
      'invalid-input',
      /same path/,
    );
  });
});
