/**
 * Qwen3-VL: 16-pixel patches merged 2x2, so one visual token is 32x32 pixels; boxes in 0..1000.
 * transformers.js 4.3 runs it through the Qwen2.5-VL class, without DeepStack (the intermediate
 * vision features Qwen3-VL adds to its first decoder layers), which costs OCR and grounding
 * accuracy. onnx-community's export keeps the chat template in chat_template.jinja.
 */
import { qwenVlFamily } from './qwen-vl.ts';

export const QWEN3_VL = qwenVlFamily({
  name: 'Qwen3-VL',
  modelTypes: ['qwen3_vl'],
  patchSize: 16,
  mergeSize: 2,
  nestsTextConfig: true,
  convention: 'relative-1000',
  chatTemplateFile: 'chat_template.jinja',
});
