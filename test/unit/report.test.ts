import { describe, expect, it } from 'vitest';
import type { ImageRecord, Trajectory } from '../../src/agent/types.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { reportMarkdownZip } from '../../src/report/markdown-zip.ts';
import { batchCsv, gradeAnswer, parseBatchQuestions, parseCsv } from '../../src/report/batch.ts';
import { gatherReport, matchingLines } from '../../src/report/gather.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { renderReportMarkdown } from '../../src/report/markdown.ts';
import type { ReportSource } from '../../src/report/types.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9]);
const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

const page: ImageRecord = { id: 'img0', kind: 'page', pageId: 'doc1:3', sourceSize: { width: 1024, height: 768 }, inputSize: { width: 812, height: 588 }, region: { x: 0, y: 0, width: 1024, height: 768, scale: 1 } };
const crop: ImageRecord = { id: 'img1', kind: 'crop', pageId: 'doc1:3', parentId: 'img0', bbox: [500, 140, 730, 270], rect: { x: 584, y: 124, width: 392, height: 272 }, sourceSize: { width: 392, height: 272 }, inputSize: { width: 392, height: 272 }, region: { x: 584, y: 124, width: 392, height: 272, scale: 1 } };

function trajectory(question: string, answer: string): Trajectory {
  const t0 = { startedAt: 0, modelMs: 100, observeMs: 10 };
  return {
    format: 'vrag-browser-trajectory',
    version: 2,
    question,
    policy: 'scripted <b>model</b>',
    vision: {} as Trajectory['vision'],
    config: { maxActions: 10, topK: 10 },
    startedAt: Date.UTC(2026, 11, 5, 18, 0, 0),
    totalMs: 1234,
    turns: [
      { index: 0, reply: '', kept: '', thought: 'Find the <table>.', action: { kind: 'search', query: 'CAGR <India>' }, invalid: null, search: { query: 'CAGR <India>', results: [{ pageId: 'doc1:3', score: 1 }], shownPageId: 'doc1:3' }, observation: { kind: 'image', imageId: 'img0' }, timings: t0 },
      { index: 1, reply: '', kept: '', thought: 'Zoom.', action: { kind: 'bbox', bbox: [500, 140, 730, 270] }, invalid: null, observation: { kind: 'image', imageId: 'img1' }, timings: t0 },
      { index: 2, reply: '', kept: '', thought: 'Done.', action: { kind: 'answer', text: answer }, invalid: null, observation: { kind: 'none' }, timings: t0 },
    ],
    images: [page, crop],
    outcome: { status: 'answered', answer },
  };
}

const source: ReportSource = {
  pageImage: async () => new Blob([JPEG], { type: 'image/jpeg' }),
  pageText: async () => ({
    text: `India 13.0%\n${EVIL}`,
    lines: [
      { text: 'India 13.0%', box: [600, 200, 900, 220], score: 1 },
      { text: EVIL, box: [600, 230, 900, 250], score: 1 },
      { text: 'Far away footer', box: [0, 700, 200, 720], score: 1 },
    ],
  }),
  pageLabel: (pageId) => ({ document: pageId.startsWith('doc1') ? 'deck <1>.pdf' : 'other.pdf', page: Number(pageId.split(':')[1]) }),
};

describe('report', () => {
  it('is one self-contained HTML file: images as data: URLs, regions drawn over the page, crops, matching lines, the trace folded, no script', async () => {
    const data = await gatherReport(
      {
        kind: 'batch',
        documents: ['deck <1>.pdf'],
        questions: [
          { trajectory: trajectory('What is <b>India</b>’s CAGR?', '13.0% <i>'), images: new Map([['img1', Promise.resolve(new Blob([PNG], { type: 'image/png' }))]]), grade: { expected: '13.0%', correct: true, method: 'numeric', retrievalHit: true } },
          { trajectory: trajectory('And the second?', 'x') },
        ],
      },
      source,
    );
    const html = renderReportHtml(data);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('What is &lt;b&gt;India&lt;/b&gt;’s CAGR?');
    expect(html).toContain('13.0% &lt;i&gt;');
    expect(html).toContain('deck &lt;1&gt;.pdf p. 3');
    expect(html).toContain('scripted &lt;b&gt;model&lt;/b&gt;');
    // The page and the crop as images, embedded.
    expect(html).toMatch(/<img src="data:image\/jpeg;base64,[^"]+" alt="deck &lt;1&gt;\.pdf p\. 3"/);
    expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="deck &lt;1&gt;\.pdf p\. 3, zoom 1"/);
    expect(html).toContain('<rect x="584" y="124" width="392" height="272">');
    // No crop pixels for the second question: the region of the page through an SVG viewport.
    expect(html).toContain('viewBox="584 124 392 272"');
    // Only lines under the crop.
    expect(html).toContain('<blockquote>India 13.0%</blockquote>');
    expect(html).not.toContain('Far away footer');
    expect(html).toMatch(/<details><summary>Reasoning trace \(3 steps\)<\/summary>/);
    expect(html).toContain('Search “CAGR &lt;India&gt;”');
    expect(html).toContain('@media print');
    expect(html).toContain('1 of 1 correct by the rules');
    // Nothing reaches the network.
    expect(html.match(/(?:src|href)="(?!data:|#)[^"]*"/g)).toBeNull();
  });

  it('as Markdown with its images in a zip, escaped', async () => {
    const data = await gatherReport({ kind: 'answer', documents: ['deck <1>.pdf'], questions: [{ trajectory: trajectory('Q *bold*?', '13.0%'), images: new Map([['img1', new Blob([PNG], { type: 'image/png' })]]) }] }, source);
    const { markdown } = renderReportMarkdown(data);
    expect(markdown).toContain('Q \\*bold\\*?');
    expect(markdown).toContain('\\<script\\>');
    const files = await unzipFiles(await reportMarkdownZip(data));
    const names = files.map((f) => f.path);
    expect(names[0]).toBe('report.md');
    expect(names).toContain('images/deck-1-p3.jpg');
    expect(names).toContain('images/q1-deck-1-p3-crop1.png');
    const md = new TextDecoder().decode(files[0]!.data);
    for (const name of names.slice(1)) expect(md).toContain(`](${name})`);
  });

  it('shows a follow-up as the user typed it, under the thread it continues, escaped', async () => {
    const typed = trajectory('Earlier: Q: What is India’s CAGR? A: 13.0%\nNow: And <b>China</b>’s?', '9.1%');
    const data = await gatherReport({ kind: 'answer', documents: ['deck <1>.pdf'], questions: [{ trajectory: typed, asked: 'And <b>China</b>’s?', earlier: [{ question: 'What is India’s CAGR?', answer: '13.0% <i>' }] }] }, source);
    expect(data.title).toBe('And <b>China</b>’s?');
    const html = renderReportHtml(data);
    expect(html).toContain('<h2>1. And &lt;b&gt;China&lt;/b&gt;’s?</h2>');
    expect(html).toContain('Follow-up to: What is India’s CAGR? — 13.0% &lt;i&gt;');
    expect(html).not.toContain('Earlier: Q:');
    const { markdown } = renderReportMarkdown(data);
    expect(markdown).toContain('## 1. And \\<b\\>China\\</b\\>’s?\n\nFollow-up to: What is India’s CAGR? — 13\\.0% \\<i\\>');
    expect(markdown).not.toContain('<b>');
  });

  it('matching lines fall back to the answer words on a page without crops', () => {
    expect(matchingLines({ text: 'Revenue 2024\nIndia grew 13.0% a year\nOther' }, [], '13.0%')).toEqual(['India grew 13.0% a year']);
  });
});

describe('batch', () => {
  it('reads one question per line, or CSV with question, answer and pages columns', () => {
    expect(parseBatchQuestions('# comment\nFirst?\n\n Second? \n')).toEqual([{ question: 'First?' }, { question: 'Second?' }]);
    expect(parseBatchQuestions('question,answer,pages\n"What, exactly?","13,0",deck.pdf:3\nPlain?,,\n')).toEqual([
      { question: 'What, exactly?', answer: '13,0', pages: ['deck.pdf:3'] },
      { question: 'Plain?' },
    ]);
    expect(parseCsv('a,"b ""c""\nd"\n')).toEqual([['a', 'b "c"\nd']]);
    expect(() => parseBatchQuestions('\n\n')).toThrow(/no question/);
  });

  it('grades with the rules and the retrieval hit, and writes CSV', () => {
    const t = trajectory('Q', 'about 13.0%');
    const key = (id: string) => `deck.pdf:${id.split(':')[1]}`;
    const grade = gradeAnswer(t, { question: 'Q', answer: '13%', pages: ['3'] }, key, ['deck.pdf'])!;
    expect(grade).toEqual({ expected: '13%', correct: true, method: 'numeric', retrievalHit: true });
    expect(gradeAnswer(t, { question: 'Q', answer: '14%', pages: ['deck.pdf p. 4'] }, key, ['deck.pdf'])).toMatchObject({ correct: false, retrievalHit: false });
    expect(gradeAnswer(t, { question: 'Q' }, key, ['deck.pdf'])).toBeUndefined();
    const csv = batchCsv([
      { question: 'Q, "one"', answer: '=1+1', pages: ['deck.pdf p. 3'], timeMs: 1500, status: 'answered', grade },
      { question: 'Q2', answer: null, pages: [], timeMs: null, status: 'error' },
    ]);
    expect(csv).toBe('question,answer,pages,time_s,status,expected,verdict,retrieval_hit\r\n"Q, ""one""",\'=1+1,deck.pdf p. 3,1.5,answered,13%,correct,hit\r\nQ2,,,,error,,,\r\n');
  });
});
