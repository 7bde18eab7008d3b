/**
 * Policies as experts (VRAG-RL's multi-expert data construction): a policy with its prompt style,
 * and a reasoning expert paired with a grounding expert that answers the turn after each search.
 */
import type { PromptStyle } from './styles.ts';
import type { Policy } from './types.ts';

/** The same model, talked to in `style`. */
export function withStyle(policy: Policy, style: PromptStyle): Policy {
  return {
    name: policy.name,
    vision: policy.vision,
    promptStyle: style,
    ...(policy.grounder ? { grounder: policy.grounder } : {}),
    reply: (request) => policy.reply(request),
  };
}

/** The reasoner, with `grounder` answering each turn after a search showed a page (its boxes are read in its own convention). */
export function withGrounder(reasoner: Policy, grounder: Policy): Policy {
  return {
    name: reasoner.name,
    vision: reasoner.vision,
    ...(reasoner.promptStyle ? { promptStyle: reasoner.promptStyle } : {}),
    grounder,
    reply: (request) => reasoner.reply(request),
  };
}

/** What every report of a gold-guided run (data construction) says about its episodes' figures. */
export const GOLD_GUIDED_NOTE =
  'gold-guided search (data construction): each search showed a gold page first, so accuracy, finish rate and retrieval figures of the episodes are not comparable with normal runs';
