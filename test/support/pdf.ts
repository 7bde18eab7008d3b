/** Writes hand-made PDF files for tests: numbered objects, a cross-reference table and a trailer. */
export function serializePdf(objects: readonly string[], trailerExtra = ''): string {
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`;
  return body;
}

/**
 * A minimal valid PDF written by hand: `count` pages (blank unless `content` is given, a content
 * stream drawn on every page with `fonts` as resources); `encrypt` adds a Standard security handler.
 */
export function handWrittenPdf(count: number, options: { encrypt?: boolean; content?: string; fonts?: string } = {}): Blob {
  return new Blob([handWrittenPdfSource(count, options)], { type: 'application/pdf' });
}

/** The same PDF as text (Node tests write it to a file). */
export function handWrittenPdfSource(count: number, { encrypt = false, content = '', fonts = '' } = {}): string {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>'];
  const first = content ? 4 : 3;
  const kids = Array.from({ length: count }, (_, i) => `${i + first} 0 R`).join(' ');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${count} >>`);
  if (content) objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  const drawn = content ? ` /Contents 3 0 R /Resources << /Font << ${fonts} >> >>` : '';
  for (let i = 0; i < count; i++) objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 300]${drawn} >>`);
  const hex32 = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) & 0xff).toString(16).padStart(2, '0')).join('');
  // RC4-40 (R2) with owner/user hashes that no empty password satisfies: readers must ask for a password.
  if (encrypt) objects.push(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${hex32(11)}> /U <${hex32(99)}> >>`);
  const encryption = encrypt ? ` /Encrypt ${objects.length} 0 R /ID [<${hex32(1)}> <${hex32(1)}>]` : '';
  return serializePdf(objects, encryption);
}
