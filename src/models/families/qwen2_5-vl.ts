/** Qwen2.5-VL, the VRAG-RL family: 14-pixel patches merged 2x2 (28-pixel tokens); boxes in absolute pixels of the image it saw. */
import { qwenVlFamily } from './qwen-vl.ts';

export const QWEN2_5_VL = qwenVlFamily({
  name: 'Qwen2.5-VL',
  modelTypes: ['qwen2_5_vl'],
  patchSize: 14,
  mergeSize: 2,
  nestsTextConfig: true,
  convention: 'absolute',
});
