/**
 * Best-of-N moved to src/reward/best-of-n.ts, beside the rewards it scores with, so the agent loop
 * never imports the reward. This re-export only keeps test/browser/vlm.test.ts compiling until it
 * imports from there; then delete this file.
 */
export * from '../reward/best-of-n.ts';
