/**
 * The agent's default budget: model replies per episode and pages per search. Below the agent, so
 * the settings schema takes its defaults from here without importing the agent (src/agent/types.ts
 * re-exports it beside `AgentConfig`).
 */
export const DEFAULT_AGENT_CONFIG: Readonly<{ maxActions: number; topK: number }> = { maxActions: 10, topK: 10 };
