/** A report as Markdown in a zip: `report.md` and the `images/` folder it links. */
import { renderReportMarkdown } from './markdown.ts';
import type { ReportData } from './types.ts';
import { zipFiles, type ZipEntry } from '../export/zip.ts';

export async function reportMarkdownZip(data: ReportData): Promise<Blob> {
  const { markdown, images } = renderReportMarkdown(data);
  const modified = new Date(data.createdAt);
  const entries: ZipEntry[] = [
    { path: 'report.md', data: new TextEncoder().encode(markdown), modified },
    ...images.map(({ path, image }) => ({ path, data: fromBase64(image.base64), modified })),
  ];
  return zipFiles(entries);
}

function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
