/** A Blob as a `data:` URL, by the platform's own base64 encoder (FileReader; pages and workers). */
export function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The data could not be read.'));
    reader.readAsDataURL(blob);
  });
}

/** The base64 payload of a Blob. */
export async function base64Of(blob: Blob): Promise<string> {
  const url = await dataUrl(blob);
  return url.slice(url.indexOf(',') + 1);
}
