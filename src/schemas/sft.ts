/** One VRAG SFT example (ours or VRAG-RL's, LLaMA-Factory "sharegpt" with `<image>` placeholders) as read from a file. */
import * as v from 'valibot';
import { parseWith } from './parse.ts';

const SftExampleSchema = v.pipe(
  v.object({
    messages: v.pipe(v.array(v.object({ role: v.picklist(['user', 'assistant']), content: v.string() })), v.minLength(1, 'is empty')),
    /** One path per `<image>` in the messages, in order. */
    images: v.optional(v.array(v.string()), []),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    dataset.value.messages.forEach((m, i) => {
      const expected = i % 2 === 0 ? 'user' : 'assistant';
      if (m.role !== expected) addIssue({ message: `"messages[${i}].role" should be ${expected} (turns alternate, starting with the user)` });
    });
  }),
);

/** One example: the conversation's turns, user first, and its images (typed by the schema). */
export type SftExample = v.InferOutput<typeof SftExampleSchema>;

export type SftMessage = SftExample['messages'][number];

export function parseSftExample(value: unknown): SftExample {
  return parseWith(SftExampleSchema, value, { code: 'trajectory-format', subject: 'This is not a VRAG SFT example' });
}
