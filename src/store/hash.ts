/** Documents are identified by what they contain, so the same file added twice is one document. */

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of the bytes, lowercase hex. */
export async function contentHash(bytes: ArrayBuffer | ArrayBufferView<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isContentHash(id: string): boolean {
  return SHA256_HEX.test(id);
}
