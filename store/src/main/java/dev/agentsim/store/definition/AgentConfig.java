package dev.agentsim.store.definition;

/** How an agent is reached: one record per connector type, see {@link AgentSpec#type()}. */
public sealed interface AgentConfig
    permits HttpAgentConfig, CognigyRestAgentConfig, OpenAiChatAgentConfig {}
