/**
 * A report as Markdown with its images beside it (`images/…`), for people who paste into their own
 * notes. Regions the model zoomed into are listed under each page and their crops shown. Every
 * string from a document, a model or a question is escaped. Pure.
 */
import { escapeMarkdown as m } from './escape.ts';
import { seconds, statusWords, when } from './html.ts';
import type { ReportData, ReportEntry, ReportImage } from './types.ts';

export interface MarkdownReport {
  markdown: string;
  /** Every image the Markdown links, by its path (`images/<name>`), once each. */
  images: { path: string; image: ReportImage }[];
}

export function renderReportMarkdown(data: ReportData): MarkdownReport {
  const files = new Map<string, { path: string; image: ReportImage }>();
  const byData = new Map<string, string>();
  const link = (image: ReportImage): string => {
    const known = byData.get(image.base64);
    if (known) return known;
    let path = `images/${image.name}`;
    for (let i = 2; files.has(path); i++) path = `images/${image.name.replace(/(\.\w+)$/, `-${i}$1`)}`;
    files.set(path, { path, image });
    byData.set(image.base64, path);
    return path;
  };
  const t = data.totals;
  const out: string[] = [
    `# ${m(data.title)}`,
    '',
    `- **Documents:** ${data.documents.length ? data.documents.map((d) => m(d)).join(', ') : 'every document in the library'}`,
    `- **Model:** ${data.models.map((x) => m(x)).join(', ') || 'unknown'}`,
    `- **Made:** ${m(when(data.createdAt))}`,
    `- **Totals:** ${m(
      [
        `${t.questions} questions`,
        `${t.answered} answered`,
        ...(t.graded ? [`${t.correct} of ${t.graded} correct by the rules`] : []),
        ...(t.retrievalGraded ? [`evidence page shown for ${t.retrievalHits} of ${t.retrievalGraded}`] : []),
        `${t.pages} pages cited`,
        `${seconds(t.timeMs)} in all`,
      ].join(' · '),
    )}`,
    '',
  ];
  if (data.entries.length > 1) {
    out.push('| # | Question | Answer | Pages | Time | Status |', '|---|---|---|---|---|---|');
    for (const x of data.entries) {
      out.push(`| ${x.number} | ${m(x.question)} | ${m(x.answer ?? statusWords(x.status))} | ${m(pagesText(x))} | ${m(seconds(x.timeMs))} | ${m(x.status)} |`);
    }
    out.push('');
  }
  for (const x of data.entries) out.push(...entry(x, link));
  return { markdown: out.join('\n'), images: [...files.values()] };
}

function entry(x: ReportEntry, link: (image: ReportImage) => string): string[] {
  const out = [`## ${x.number}. ${m(x.question)}`, ''];
  if (x.earlier.length) out.push(`Follow-up to: ${x.earlier.map((t) => `${m(t.question)} — ${m(t.answer)}`).join('; ')}`, '');
  out.push(`*${m([`asked ${when(x.startedAt)}`, seconds(x.timeMs), x.model, ...(x.scope ? [`searched ${x.scope.join(', ')}`] : [])].join(' · '))}*`, '');
  out.push(x.answer !== null ? `> **Answer:** ${m(x.answer)}` : `> ${m(x.message ?? statusWords(x.status))}`, '');
  if (x.grade) out.push(`Expected: ${m(x.grade.expected)} — **${x.grade.correct ? 'correct' : 'wrong'}** (${m(x.grade.method)})${x.grade.retrievalHit === null ? '' : x.grade.retrievalHit ? ', evidence page shown' : ', evidence page not shown'}`, '');
  out.push(x.pages.length ? `**Rests on:** ${m(pagesText(x))}` : '*No page was consulted.*', '');
  for (const p of x.pages) {
    const label = `${p.document} p. ${p.page}`;
    out.push(`### ${m(label)}`, '');
    if (p.image) out.push(`![${m(label)}](${link(p.image)})`, '');
    for (const c of p.crops) {
      const where = `zoom ${c.index}: ${Math.round(c.region.width)}×${Math.round(c.region.height)} px at ${Math.round(c.region.x)},${Math.round(c.region.y)}`;
      out.push(c.image ? `![${m(`${label}, ${where}`)}](${link(c.image)})` : `- ${m(where)}`, '');
    }
    for (const line of p.lines) out.push(`> ${m(line)}`, '>');
    if (p.lines.length) out.splice(out.length - 1, 1, '');
  }
  if (x.trace.length) {
    out.push('<details><summary>Reasoning trace</summary>', '');
    for (const s of x.trace) {
      out.push(`${s.index}. ${s.thought ? `*${m(s.thought)}* — ` : ''}${m(s.action)}${s.result ? ` → ${m(s.result)}` : ''}`);
    }
    out.push('', '</details>', '');
  }
  return out;
}

function pagesText(x: ReportEntry): string {
  return x.pages.map((p) => `${p.document} p. ${p.page}`).join(', ');
}
