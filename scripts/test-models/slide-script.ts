/**
 * What the scripted test VLMs answer, fixed when they are generated: a question about the
 * MasterCard table on slide_3_1024.jpg of ../shared/corpora/vrag-slides. Search, a box on the
 * table, a box on India's CAGR cell inside that crop, then the answer. The boxes are written in
 * the model's own convention and input size, as a real model of the family would write them.
 * Tests import the same regions to check where each crop lands on the page.
 */
import { visionSpec, type VlmFamily, type VisualTokenBounds } from '../../src/models/families/types.ts';
import { VRAG_VISUAL_TOKENS } from '../../src/models/families/types.ts';
import { modelInputSize, paddedCropRect, type BBox, type Rect, type Size } from '../../src/perception/geometry.ts';

export const SLIDE_SCRIPT = {
  page: 'slide_3_1024.jpg',
  pageSize: { width: 1024, height: 768 } as Size,
  question: 'According to the MasterCard outbound trips table, what compound annual growth rate (2014-20) is projected for outbound trips from India?',
  query: 'MasterCard Outbound Trips CAGR India',
  /** Page pixels: the 2014, 2020 and CAGR columns of the first rows, then India's CAGR cell. */
  regions: [
    { x: 640, y: 180, width: 280, height: 160 },
    { x: 805, y: 315, width: 115, height: 22 },
  ] as Rect[],
  answer: '13.0%',
};

/** A box around `rect` (pixels of an image of `size`) in the model's coordinates, rounded outwards. */
export function modelBox(rect: Rect, size: Size, family: VlmFamily, tokens: VisualTokenBounds): BBox {
  const input = modelInputSize(size, visionSpec(family, tokens).pixelBounds);
  const [sx, sy] =
    family.convention === 'absolute'
      ? [input.width / size.width, input.height / size.height]
      : family.convention === 'relative-1000'
        ? [1000 / size.width, 1000 / size.height]
        : [1 / size.width, 1 / size.height];
  return [Math.floor(rect.x * sx), Math.floor(rect.y * sy), Math.ceil((rect.x + rect.width) * sx), Math.ceil((rect.y + rect.height) * sy)];
}

/** The four replies, one per number of images in the conversation (0, 1, 2, 3 or more). */
export function slideReplies(family: VlmFamily, tokens: VisualTokenBounds = VRAG_VISUAL_TOKENS): string[] {
  const { pageSize, regions, query, answer } = SLIDE_SCRIPT;
  const first = modelBox(regions[0]!, pageSize, family, tokens);
  const crop = paddedCropRect([regions[0]!.x, regions[0]!.y, regions[0]!.x + regions[0]!.width, regions[0]!.y + regions[0]!.height], pageSize)!;
  const inCrop = { ...regions[1]!, x: regions[1]!.x - crop.x, y: regions[1]!.y - crop.y };
  const second = modelBox(inCrop, { width: crop.width, height: crop.height }, family, tokens);
  const box = (b: BBox) => `[${b.join(', ')}]`;
  return [
    `<think>I need the MasterCard table of outbound trips by country.</think>\n<search>${query}</search>`,
    `<think>The table is here; the CAGR column is on the right.</think>\n<bbox>${box(first)}</bbox>`,
    `<think>India is near the bottom of this part; zoom into its CAGR cell.</think>\n<bbox>${box(second)}</bbox>`,
    `<think>The India row reads 13.0% for 2014-20.</think>\n<answer>${answer}</answer>`,
  ];
}

/**
 * The same episode in the `tools` prompt style (VRAG-RL's data-construction JSON replies), for a
 * scripted general model: the search comes in a ```json fence after a sentence (a reply the parser
 * must recover from), the boxes and the answer as bare JSON objects.
 */
export function slideToolsReplies(family: VlmFamily, tokens: VisualTokenBounds = VRAG_VISUAL_TOKENS): string[] {
  const [, first, second] = slideReplies(family, tokens).map((reply) => /<bbox>(.*)<\/bbox>/.exec(reply)?.[1]);
  const { query, answer } = SLIDE_SCRIPT;
  return [
    `I will search first.\n\`\`\`json\n${JSON.stringify({ think: 'I need the MasterCard outbound trips table.', search: query })}\n\`\`\``,
    JSON.stringify({ think: 'The table is here; the CAGR column is on the right.', bbox: JSON.parse(first!), description: 'the outbound trips table' }),
    JSON.stringify({ think: "Zoom into India's CAGR cell.", bbox: JSON.parse(second!), description: "India's CAGR" }),
    JSON.stringify({ think: 'The India row reads 13.0% for 2014-20.', answer }),
  ];
}
