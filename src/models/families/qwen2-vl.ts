/** Qwen2-VL: 14-pixel patches merged 2x2 (28-pixel tokens); boxes in 0..1000 of the image. */
import { qwenVlFamily } from './qwen-vl.ts';

export const QWEN2_VL = qwenVlFamily({
  name: 'Qwen2-VL',
  modelTypes: ['qwen2_vl'],
  patchSize: 14,
  mergeSize: 2,
  convention: 'relative-1000',
});
