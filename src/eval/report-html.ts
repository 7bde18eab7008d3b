/** The evaluation report as one self-contained HTML page: tables and inline SVG bar charts. Pure. */
import type { SkippedDocument } from '../session/headless.ts';
import type { ExpertFigures, StyleFigures } from './experts.ts';
import type { ExpansionReport, ExpertsReport } from './report-types.ts';
import type { EvalSummary, GroupSummary, QuestionResult } from './summary.ts';
import type { ZeroMatchReport } from './zero-match.ts';

/** What the report shows besides the figures: documents skipped, the zero-match precision count. */
export interface ReportExtras {
  skippedDocuments?: readonly SkippedDocument[];
  zeroMatch?: ZeroMatchReport;
  /** Figures per expert and prompt style over the first samples, and data expansion's samples. */
  experts?: ExpertsReport;
  expansion?: ExpansionReport;
}

/** The metrics per-type tables show, of those the run computed. */
const GROUP_METRICS = ['hit@1', 'hit@5', 'recall@5', 'ndcg@5', 'mrr@10'];

/** One row per group and signal. */
function groupTable(title: string, groups: readonly GroupSummary[]): string {
  const metrics = GROUP_METRICS.filter((m) => groups.some((g) => g.signals.some((s) => m in s.means)));
  const rows = groups.flatMap((g) => g.signals.map((s) => [g.group, g.questions, s.signal, ...metrics.map((m) => fmt(s.means[m]))]));
  return `<h3>${escapeHtml(title)}</h3>${table(['group', 'questions', 'signal', ...metrics], rows)}`;
}

const FIGURE_HEADERS = ['episodes', 'replies', 'invalid-action rate', 'finish rate', 'accuracy', 'NDCG'];

/** One table per expert and one per prompt style: which expert to trust. */
function expertTables(title: string, report: ExpertsReport): string {
  const figures = (f: ExpertFigures | StyleFigures) => [f.episodes, f.replies, fmt(f.invalidActionRate), fmt(f.finishRate), fmt(f.accuracy), fmt(f.ndcg)];
  return [
    `<h3>${escapeHtml(title)}</h3>`,
    `<p>Over ${escapeHtml(report.episodes)}. An expert's episodes are those it wrote a reply in (the reasoner's: every episode); its invalid-action rate is over its own replies, finish rate, accuracy and NDCG are its episodes'.</p>`,
    table(['expert', 'role', 'prompt style', ...FIGURE_HEADERS], report.byExpert.map((e) => [e.label, e.role, e.promptStyle, ...figures(e)])),
    table(['prompt style', ...FIGURE_HEADERS], report.byStyle.map((s) => [s.promptStyle, ...figures(s)])),
  ].join('');
}

/** Data expansion: every question's samples, their composite rewards and the one kept for SFT. */
function expansionTables(expansion: ExpansionReport): string {
  const bar = expansion.minComposite === null ? 'no SFT export was asked for' : `the best sample of a question is exported for SFT when its composite is at least ${expansion.minComposite}; ${expansion.kept} of ${expansion.questions.length} questions kept one`;
  return [
    `<h2>Data expansion: ${expansion.samples} samples per question</h2>`,
    `<p>Accuracy and every figure above come from the first (greedy) sample; the other samples are for building training data: ${escapeHtml(bar)}.</p>`,
    table(['id', 'composite per sample', 'kept'], expansion.questions.map((q) => [q.id, q.composites.map((c) => fmt(c, 2)).join(' · '), q.kept === null ? '–' : `sample ${q.kept + 1}`])),
    expertTables('Per expert and prompt style, all samples', expansion),
  ].join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number | undefined, digits = 3) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

function table(headers: string[], rows: (string | number)[][]): string {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Horizontal bars for values in [0, max]. */
export function barChart(title: string, bars: { label: string; value: number }[], max = 1): string {
  const rowHeight = 22;
  const width = 520;
  const labelWidth = 190;
  const height = bars.length * rowHeight + 28;
  const rects = bars
    .map((b, i) => {
      const y = 24 + i * rowHeight;
      const w = Number.isFinite(b.value) && max > 0 ? ((width - labelWidth - 60) * Math.max(0, b.value)) / max : 0;
      return `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(b.label)}</text><rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="#2563eb"/><text x="${labelWidth + w + 4}" y="${y + 14}">${escapeHtml(fmt(b.value, max > 1 ? 1 : 2))}</text>`;
    })
    .join('');
  return `<figure><svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" font-size="12" font-family="system-ui, sans-serif"><text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${rects}</svg></figure>`;
}

export function reportHtml(
  title: string,
  settings: Record<string, unknown>,
  summary: EvalSummary,
  results: readonly QuestionResult[],
  bestOf?: EvalSummary,
  extras: ReportExtras = {},
): string {
  const parts = [
    `<h1>${escapeHtml(title)}</h1>`,
    table(['setting', 'value'], Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    ...skippedSection(summary, extras.skippedDocuments ?? []),
    ...retrievalSection(summary, extras.zeroMatch),
    ...(summary.episodes ? answersSection(summary.episodes, results, settings, bestOf, extras.experts) : []),
    ...(extras.expansion ? [expansionTables(extras.expansion)] : []),
    ...questionsSection(results, summary.episodes !== undefined),
  ];
  return page(title, parts);
}

/** The documents that could not be added, and what became of their questions. */
function skippedSection(summary: EvalSummary, skipped: readonly SkippedDocument[]): string[] {
  if (!skipped.length) return [];
  return [
    `<h2>Skipped documents (${skipped.length})</h2>`,
    `<p>These documents could not be added. ${summary.skipped.questions} questions on them are kept, with status document-skipped and every score 0.</p>`,
    table(['file', 'error'], skipped.map((d) => [d.file, d.error])),
  ];
}

/** Retrieval per signal, per document and evidence type, and the zero-match precision count. */
function retrievalSection(summary: EvalSummary, zero: ZeroMatchReport | undefined): string[] {
  const metricNames = [...new Set(summary.retrieval.flatMap((s) => Object.keys(s.means)))];
  const parts = [
    `<h2>Retrieval (${summary.answerable} answerable of ${summary.questions} questions)</h2>`,
    table(['signal', 'questions', ...metricNames], summary.retrieval.map((s) => [s.signal, s.questions, ...metricNames.map((m) => fmt(s.means[m]))])),
    groupTable('Retrieval by document type', summary.retrievalByDocType),
    groupTable('Retrieval by evidence type', summary.retrievalByEvidence),
  ];
  if (zero) {
    parts.push('<h3>Zero-match precision</h3>');
    parts.push(`<p>${zero.queries} queries whose words appear nowhere in the library (${zero.excluded} candidates left out because a word of theirs does): pages returned, goal 0.</p>`);
    parts.push(table(['queries', 'pages returned', 'worst query', 'its pages'], [[zero.queries, zero.pagesReturned, zero.worst?.query ?? '–', zero.worst ? `${zero.worst.pages} (${zero.worst.topPages.join(', ')}${zero.worst.pages > zero.worst.topPages.length ? ', …' : ''})` : 0]]));
  }
  return parts;
}

type EpisodeFigures = NonNullable<EvalSummary['episodes']>;

/** The answers' figures, best-of-N against greedy, the per-expert tables and the charts. */
function answersSection(e: EpisodeFigures, results: readonly QuestionResult[], settings: Record<string, unknown>, bestOf: EvalSummary | undefined, experts: ExpertsReport | undefined): string[] {
  const parts = [
    '<h2>Answers</h2>',
    table(
      ['accuracy', 'NDCG', 'pattern', 'composite', 'finish rate', 'invalid-action rate', 'turns / question', 'time / question (s, mean · p50 · p95)'],
      [[fmt(e.accuracy), fmt(e.meanNdcg), fmt(e.meanPattern), fmt(e.meanComposite), fmt(e.finishRate), fmt(e.invalidActionRate), fmt(e.meanTurns, 2), [e.timePerQuestionMs.mean, e.timePerQuestionMs.p50, e.timePerQuestionMs.p95].map((t) => fmt(t / 1000, 1)).join(' · ')]],
    ),
  ];
  if (bestOf?.episodes) {
    const b = bestOf.episodes;
    parts.push('<h3>Best-of-N against N = 1 (same questions)</h3>');
    parts.push(
      table(
        ['answering', 'accuracy', 'NDCG', 'composite', 'finish rate', 'time / question (s)'],
        [
          ['N = 1 (greedy)', fmt(e.accuracy), fmt(e.meanNdcg), fmt(e.meanComposite), fmt(e.finishRate), fmt(e.timePerQuestionMs.mean / 1000, 1)],
          [`best-of-${String(settings.bestOf ?? 'N')}`, fmt(b.accuracy), fmt(b.meanNdcg), fmt(b.meanComposite), fmt(b.finishRate), fmt(b.timePerQuestionMs.mean / 1000, 1)],
        ],
      ),
    );
  }
  if (experts) parts.push(expertTables('Per expert and prompt style', experts));
  return [...parts, ...answerCharts(e, results)];
}

function answerCharts(e: EpisodeFigures, results: readonly QuestionResult[]): string[] {
  const histogram = Object.entries(e.turnsHistogram).sort(([a], [b]) => Number(a) - Number(b));
  const times = results.filter((r) => r.episode).map((r) => ({ label: `#${r.id}`, value: r.episode!.timeMs / 1000 }));
  return [
    barChart('Accuracy by evidence type', e.byEvidence.map((b) => ({ label: `${b.source} (${b.questions})`, value: b.accuracy }))),
    barChart('NDCG by evidence type', e.byEvidence.filter((b) => !Number.isNaN(b.ndcg)).map((b) => ({ label: `${b.source} (${b.questions})`, value: b.ndcg }))),
    barChart('Turns per question', histogram.map(([turns, n]) => ({ label: `${turns} turns`, value: n })), Math.max(1, ...histogram.map(([, n]) => n))),
    barChart('Time per question (s)', times, Math.max(1, ...times.map((t) => t.value))),
  ];
}

/** One row per question: its answer and scores when questions were answered, else its BM25 retrieval. */
function questionsSection(results: readonly QuestionResult[], answered: boolean): string[] {
  const bm25 = (r: QuestionResult, m: string) => fmt(r.retrieval.bm25?.[m], 2);
  return [
    '<h2>Questions</h2>',
    answered
      ? table(
          ['id', 'question', 'reference', 'answer', 'status', 'turns', 'outcome', 'NDCG', 'composite', 'bm25 recall@5'],
          results.map((r) => [
            r.id,
            r.question,
            r.reference,
            r.episode?.answer ?? '',
            r.episode?.status ?? '',
            r.episode?.turns ?? '',
            fmt(r.episode?.scores.outcome, 2),
            fmt(r.episode?.scores.retrieval, 2),
            fmt(r.episode?.scores.composite, 2),
            bm25(r, 'recall@5'),
          ]),
        )
      : table(
          ['id', 'question', 'reference', 'answerable', 'bm25 recall@1', 'bm25 recall@5', 'bm25 ndcg@5', 'status'],
          results.map((r) => [r.id, r.question, r.reference, r.answerable ? 'yes' : 'no', bm25(r, 'recall@1'), bm25(r, 'recall@5'), bm25(r, 'ndcg@5'), r.status ?? '']),
        ),
  ];
}

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f4f6}figure{margin:1rem 0}';

/** The self-contained page around the sections. */
function page(title: string, parts: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body>${parts.join('\n')}</body></html>`;
}
