/**
 * A report as one self-contained HTML file: images embedded as data: URLs, no script, no request
 * to any address, a print stylesheet for "Save as PDF". Every string from a document, a model or a
 * question is escaped text. Pure.
 */
import { escapeHtml as e } from './escape.ts';
import type { ReportCrop, ReportData, ReportEntry, ReportImage, ReportPage } from './types.ts';

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d7dce2; --accent: #c2410c; --ok: #15803d; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; } h2 { font-size: 1.2rem; margin: 0 0 .5rem; } h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 1rem; } .meta dt { font-weight: 600; color: var(--ink); float: left; clear: left; width: 9rem; } .meta dd { margin: 0 0 .2rem 9rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
section.question { border-top: 2px solid var(--line); padding-top: 1rem; margin-top: 1.5rem; }
.answer { font-size: 1.1rem; background: #fff7ed; border-left: 4px solid var(--accent); padding: .5rem .75rem; margin: .5rem 0; white-space: pre-wrap; }
.answer.none { background: #f3f5f7; border-color: var(--muted); }
.correct { color: var(--ok); font-weight: 600; } .wrong { color: var(--bad); font-weight: 600; }
.page { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; margin: .5rem 0 1rem; break-inside: avoid; }
.shot { position: relative; display: inline-block; width: 22rem; max-width: 100%; line-height: 0; border: 1px solid var(--line); }
.shot img { width: 100%; height: auto; display: block; }
.shot svg { position: absolute; inset: 0; width: 100%; height: 100%; }
.shot rect { fill: rgba(194, 65, 12, .12); stroke: var(--accent); stroke-width: 3; vector-effect: non-scaling-stroke; }
.shot text { fill: var(--accent); font: bold 14px sans-serif; }
.crops { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-start; }
figure { margin: 0; } figcaption { font-size: .8rem; color: var(--muted); }
.crop img, .crop svg { max-width: 16rem; max-height: 12rem; border: 1px solid var(--accent); display: block; }
blockquote { margin: .25rem 0; padding: .25rem .75rem; border-left: 3px solid var(--line); color: #333; white-space: pre-wrap; font-size: .9rem; }
details { margin: .75rem 0; } summary { cursor: pointer; color: var(--muted); }
ol.trace { padding-left: 1.5rem; font-size: .9rem; } ol.trace li { margin: .3rem 0; }
.thought { color: var(--muted); font-style: italic; white-space: pre-wrap; } .action { font-family: ui-monospace, monospace; white-space: pre-wrap; } .result { white-space: pre-wrap; }
.missing { color: var(--muted); font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.question { break-before: page; border: 0; }
  section.question:first-of-type { break-before: auto; }
  details > *:not(summary) { display: block; }
  details { display: block; }
  summary { display: none; }
  a { color: inherit; text-decoration: none; }
  .shot { width: 14cm; }
}
`;

export function renderReportHtml(data: ReportData): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No script, no request: images are data: URLs, and the policy says so to any browser that opens the file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(data.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header(data),
    summaryTable(data),
    ...data.entries.map(entry),
    '</body>',
    '</html>',
  ];
  return parts.join('\n');
}

function header(data: ReportData): string {
  const t = data.totals;
  const totals = [
    `${t.questions} question${t.questions === 1 ? '' : 's'}`,
    `${t.answered} answered`,
    ...(t.notAnswered ? [`${t.notAnswered} without an answer`] : []),
    ...(t.graded ? [`${t.correct} of ${t.graded} correct by the rules`] : []),
    ...(t.retrievalGraded ? [`evidence page shown for ${t.retrievalHits} of ${t.retrievalGraded}`] : []),
    `${t.pages} page${t.pages === 1 ? '' : 's'} cited`,
    `${seconds(t.timeMs)} in all`,
  ];
  return [
    '<header>',
    `<h1>${e(data.title)}</h1>`,
    '<dl class="meta">',
    `<dt>Documents</dt><dd>${data.documents.length ? data.documents.map(e).join(', ') : 'every document in the library'}</dd>`,
    `<dt>Model</dt><dd>${data.models.map(e).join(', ') || 'unknown'}</dd>`,
    `<dt>Made</dt><dd>${e(when(data.createdAt))}</dd>`,
    `<dt>Totals</dt><dd>${e(totals.join(' · '))}</dd>`,
    '</dl>',
    '</header>',
  ].join('\n');
}

function summaryTable(data: ReportData): string {
  if (data.entries.length < 2) return '';
  const graded = data.totals.graded > 0;
  const retrieval = data.totals.retrievalGraded > 0;
  const rows = data.entries.map((x) =>
    [
      '<tr>',
      `<td>${x.number}</td>`,
      `<td><a href="#q${x.number}">${e(x.question)}</a></td>`,
      `<td>${x.answer !== null ? e(x.answer) : `<span class="missing">${e(statusWords(x.status))}</span>`}</td>`,
      `<td>${e(pagesText(x))}</td>`,
      `<td>${seconds(x.timeMs)}</td>`,
      `<td>${e(x.status)}</td>`,
      graded ? `<td>${x.grade ? `${e(x.grade.expected)} ${verdict(x.grade.correct)}` : ''}</td>` : '',
      retrieval ? `<td>${x.grade && x.grade.retrievalHit !== null ? (x.grade.retrievalHit ? 'hit' : 'miss') : ''}</td>` : '',
      '</tr>',
    ].join(''),
  );
  return [
    '<table class="summary">',
    `<thead><tr><th>#</th><th>Question</th><th>Answer</th><th>Pages</th><th>Time</th><th>Status</th>${graded ? '<th>Expected</th>' : ''}${retrieval ? '<th>Retrieval</th>' : ''}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function entry(x: ReportEntry): string {
  const answer =
    x.answer !== null
      ? `<div class="answer">${e(x.answer)}</div>`
      : `<div class="answer none">${e(x.message ?? statusWords(x.status))}</div>`;
  const grade = x.grade
    ? `<p>Expected: ${e(x.grade.expected)} — ${verdict(x.grade.correct)} <span class="missing">(${e(x.grade.method)})</span>${x.grade.retrievalHit === null ? '' : x.grade.retrievalHit ? ' · evidence page shown to the model' : ' · the evidence page was not shown to the model'}</p>`
    : '';
  const meta = [`asked ${when(x.startedAt)}`, `${seconds(x.timeMs)}`, x.model, x.scope ? `searched ${x.scope.join(', ')}` : null].filter((s): s is string => s !== null);
  return [
    `<section class="question" id="q${x.number}">`,
    `<h2>${x.number}. ${e(x.question)}</h2>`,
    ...(x.earlier.length ? [`<p class="meta">Follow-up to: ${x.earlier.map((t) => `${e(t.question)} — ${e(t.answer)}`).join('; ')}</p>`] : []),
    `<p class="meta">${e(meta.join(' · '))}</p>`,
    answer,
    grade,
    x.pages.length ? `<p><strong>Rests on:</strong> ${e(pagesText(x))}</p>` : '<p class="missing">No page was consulted.</p>',
    ...x.pages.map(page),
    trace(x),
    '</section>',
  ].join('\n');
}

function page(p: ReportPage): string {
  const label = `${p.document} p. ${p.page}`;
  const rects = p.crops
    .map((c) => `<rect x="${n(c.region.x)}" y="${n(c.region.y)}" width="${n(c.region.width)}" height="${n(c.region.height)}"><title>crop ${c.index}</title></rect><text x="${n(c.region.x + 4)}" y="${n(c.region.y + 16)}">${c.index}</text>`)
    .join('');
  const shot = p.image
    ? `<div class="shot"><img src="${src(p.image)}" alt="${e(label)}" width="${n(p.size.width)}" height="${n(p.size.height)}"><svg viewBox="0 0 ${n(p.size.width)} ${n(p.size.height)}" preserveAspectRatio="none" aria-hidden="true">${rects}</svg></div>`
    : `<p class="missing">The image of ${e(label)} is no longer in the library.</p>`;
  const crops = p.crops.length ? `<div class="crops">${p.crops.map((c) => crop(c, p, label)).join('')}</div>` : '';
  const lines = p.lines.length ? `<h3>Text on the page${p.crops.length ? ' under the zoomed region' : ''}</h3>${p.lines.map((l) => `<blockquote>${e(l)}</blockquote>`).join('')}` : '';
  return [`<h3>${e(label)}</h3>`, '<div class="page">', shot, crops, '</div>', lines].join('\n');
}

function crop(c: ReportCrop, p: ReportPage, label: string): string {
  const caption = `<figcaption>Zoom ${c.index}: ${n(c.region.width)}×${n(c.region.height)} px at ${n(c.region.x)},${n(c.region.y)}${c.pastEdge ? ' (the box ran past the edge)' : ''}</figcaption>`;
  const alt = `${label}, zoom ${c.index}`;
  if (c.image) return `<figure class="crop"><img src="${src(c.image)}" alt="${e(alt)}">${caption}</figure>`;
  if (!p.image) return '';
  // No crop pixels at hand (a history entry): the region of the page image, through an SVG viewport.
  const { x, y, width, height } = c.region;
  return `<figure class="crop"><svg role="img" aria-label="${e(alt)}" viewBox="${n(x)} ${n(y)} ${n(width)} ${n(height)}" width="${n(Math.min(width, 256))}"><image href="${src(p.image)}" width="${n(p.size.width)}" height="${n(p.size.height)}"/></svg>${caption}</figure>`;
}

function trace(x: ReportEntry): string {
  if (!x.trace.length) return '';
  const steps = x.trace.map(
    (s) =>
      `<li>${s.thought ? `<div class="thought">${e(s.thought)}</div>` : ''}<div class="action">${e(s.action)}</div>${s.result ? `<div class="result">${e(s.result)}</div>` : ''}<div class="missing">${seconds(s.ms)}</div></li>`,
  );
  return `<details><summary>Reasoning trace (${x.trace.length} step${x.trace.length === 1 ? '' : 's'})</summary><ol class="trace">${steps.join('')}</ol></details>`;
}

function pagesText(x: ReportEntry): string {
  return x.pages.map((p) => `${p.document} p. ${p.page}${p.crops.length ? ` (${p.crops.length} zoom${p.crops.length === 1 ? '' : 's'})` : ''}`).join(', ');
}

function verdict(correct: boolean): string {
  return correct ? '<span class="correct">correct</span>' : '<span class="wrong">wrong</span>';
}

export function statusWords(status: string): string {
  switch (status) {
    case 'no-answer':
      return 'No answer found.';
    case 'cancelled':
      return 'Stopped before an answer was found.';
    case 'error':
      return 'Failed with an error.';
    default:
      return status;
  }
}

function src(image: ReportImage): string {
  // base64 holds only [A-Za-z0-9+/=] and the mime is ours: safe in an attribute.
  return `data:${image.mime};base64,${image.base64}`;
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
