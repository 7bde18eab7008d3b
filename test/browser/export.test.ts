import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEpisode, type EpisodeResult } from '../../src/agent/episode.ts';
import { INVALID_PREFIX, userPrompt } from '../../src/agent/protocol.ts';
import { exportSftBundle, importTrajectoryFile } from '../../src/agent/sft-bundle.ts';
import { toSftExample, type SftExample } from '../../src/agent/sft.ts';
import { serializeTrajectory } from '../../src/agent/trajectory.ts';
import { AppError } from '../../src/errors.ts';
import { unzipFiles } from '../../src/export/zip.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import type { RankedPage, Retriever } from '../../src/retrieval/types.ts';
import { FixedRankingRetriever, ScriptedPolicy, fetchShared } from '../support/scripted.ts';

const perception = startPerceptionWorker(APP_WORKERS.perception);
afterAll(() => perception.terminate());

/** Serves the slides re-encoded as WebP, a format the bundle must convert to PNG. */
class WebpRetriever implements Retriever {
  constructor(private readonly inner: FixedRankingRetriever) {}
  search(query: string, k: number): Promise<RankedPage[]> {
    return this.inner.search(query, k);
  }
  async pageImage(pageId: string): Promise<Blob> {
    const bitmap = await createImageBitmap(await this.inner.pageImage(pageId));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    bitmap.close();
    return canvas.convertToBlob({ type: 'image/webp' });
  }
}

async function pixelsOf(data: Blob | Uint8Array): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const bitmap = await createImageBitmap(data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]));
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
}

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

async function appError(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('SFT bundle export of real episodes', () => {
  let cropEpisode: EpisodeResult;
  let webpEpisode: EpisodeResult;

  const replies = [
    'Let me search. <think>I need the market slide.</think>\n<search>travel market share</search>',
    '<think>The chart is on the right.</think>\n<bbox>[300, 100, 600, 400]</bbox>',
    '<think>It reads 37%.</think>\n<answer> 37% </answer>',
  ];

  beforeAll(async () => {
    cropEpisode = await runEpisode({
      question: 'What share of the travel market is online?',
      policy: new ScriptedPolicy(replies),
      retriever: new FixedRankingRetriever({ 'travel market share': ['slide_6_1024.jpg'] }),
      perception,
    });
    webpEpisode = await runEpisode({
      question: 'Which cloud network is shown?',
      policy: new ScriptedPolicy(['I am not sure.', '<think>search</think><search>cloud network</search>', '<think>ok</think><answer>VPC</answer>']),
      retriever: new WebpRetriever(new FixedRankingRetriever({ 'cloud network': ['aliyun4_4.jpg'] })),
      perception,
    });
  });

  it('exports data.json and the images, which decode to the recorded sizes', async () => {
    expect(cropEpisode.outcome.status).toBe('answered');
    expect(webpEpisode.outcome.status).toBe('answered');

    const files = await unzipFiles(await exportSftBundle([cropEpisode, webpEpisode]));
    const file = (path: string) => files.find((f) => f.path === path)!.data;
    expect(files.map((f) => f.path)).toEqual(['data.json', 'images/1-img1.jpg', 'images/1-img2.png', 'images/2-img1.png']);

    const data = JSON.parse(new TextDecoder().decode(file('data.json'))) as SftExample[];
    const paths: Record<string, string>[] = [
      { img1: 'images/1-img1.jpg', img2: 'images/1-img2.png' },
      { img1: 'images/2-img1.png' },
    ];
    expect(data).toEqual([
      toSftExample(cropEpisode.trajectory, (id) => paths[0]![id]!),
      toSftExample(webpEpisode.trajectory, (id) => paths[1]![id]!),
    ]);
    // The shape of VRAG-RL's SFT data: prompt, kept replies, "<image>" for each image observation.
    expect(data[0]!.messages).toEqual([
      { role: 'user', content: userPrompt('What share of the travel market is online?') },
      { role: 'assistant', content: '<think>I need the market slide.</think>\n<search>travel market share</search>' },
      { role: 'user', content: '<image>' },
      { role: 'assistant', content: replies[1] },
      { role: 'user', content: '<image>' },
      { role: 'assistant', content: '<think>It reads 37%.</think>\n<answer> 37% </answer>' },
    ]);
    const invalid = webpEpisode.trajectory.turns[0]!.observation;
    expect(invalid.kind === 'text' && invalid.text.startsWith(INVALID_PREFIX)).toBe(true);
    expect(data[1]!.messages).toEqual([
      { role: 'user', content: userPrompt('Which cloud network is shown?') },
      { role: 'assistant', content: 'I am not sure.' },
      { role: 'user', content: (invalid as { text: string }).text },
      { role: 'assistant', content: '<think>search</think>\n<search>cloud network</search>' },
      { role: 'user', content: '<image>' },
      { role: 'assistant', content: '<think>ok</think>\n<answer>VPC</answer>' },
    ]);

    // JPEG page and PNG crop keep their original bytes; the WebP page became a PNG of the same pixels.
    const [page, crop] = cropEpisode.trajectory.images;
    expect(file('images/1-img1.jpg')).toEqual(await bytes(await fetchShared('corpora/vrag-slides/slide_6_1024.jpg')));
    expect(file('images/1-img2.png')).toEqual(await bytes(await cropEpisode.images.get(crop!.id)!.source));
    const webpImage = webpEpisode.images.get('img1')!;
    const webp = await webpImage.source;
    expect(webp.type).toBe('image/webp');
    const converted = (await pixelsOf(file('images/2-img1.png'))).rgba;
    const original = (await pixelsOf(webp)).rgba;
    expect(converted.length).toBe(original.length);
    let maxDiff = 0;
    for (let i = 0; i < original.length; i++) maxDiff = Math.max(maxDiff, Math.abs(converted[i]! - original[i]!));
    expect(maxDiff).toBe(0);

    const recorded = [page!, crop!, webpImage.record].map((r) => r.sourceSize);
    const decoded = await Promise.all(
      ['images/1-img1.jpg', 'images/1-img2.png', 'images/2-img1.png'].map(async (p) => {
        const { width, height } = await pixelsOf(file(p));
        return { width, height };
      }),
    );
    expect(decoded).toEqual(recorded);
    expect(recorded[0]).toEqual({ width: 1024, height: 768 });
  });

  it('imports a trajectory file and explains why a bundle or its data.json is not one', async () => {
    const json = serializeTrajectory(cropEpisode.trajectory);
    expect(await importTrajectoryFile(new Blob([json], { type: 'application/json' }))).toEqual(JSON.parse(json));

    const bundle = await exportSftBundle([cropEpisode]);
    expect((await appError(importTrajectoryFile(bundle))).message).toMatch(/is a zip/);
    const data = (await unzipFiles(bundle))[0]!.data;
    const sft = await appError(importTrajectoryFile(new Blob([data as Uint8Array<ArrayBuffer>])));
    expect(sft.code).toBe('trajectory-format');
    expect(sft.message).toMatch(/SFT training data/);
    expect((await appError(importTrajectoryFile(new Blob(['{"format":"other"}'])))).message).toMatch(/"format" should be "vrag-browser-trajectory"/);
    expect((await appError(importTrajectoryFile(new Blob([])))).code).toBe('empty-file');
  });

  it('refuses to export an episode whose image pixels are missing, or nothing at all', async () => {
    const missing = await appError(exportSftBundle([{ trajectory: cropEpisode.trajectory, images: new Map() }]));
    expect(missing.message).toMatch(/Episode 1 shows image img1, but its pixels were not kept/);
    expect((await appError(exportSftBundle([]))).message).toMatch(/Nothing to export/);
  });
});
