package dev.agentsim.activities.agent;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.store.definition.CognigyRestAgentConfig;
import dev.agentsim.store.definition.HttpAgentConfig;
import dev.agentsim.workflows.ErrorCategory;
import org.springframework.stereotype.Component;

/**
 * Sends a message to an agent reached by a remote endpoint ({@code http}, {@code cognigy-rest}):
 * the one way in for the agent under test and a counter agent. An {@code openai-chat} agent is not
 * an endpoint: it needs the whole conversation and stores its tool calls, see {@link
 * OpenAiChatAgent}.
 */
@Component
public class AgentConnectors {

  private final HttpAgentConnector http;
  private final CognigyRestConnector cognigy;

  public AgentConnectors(HttpAgentConnector http, CognigyRestConnector cognigy) {
    this.http = http;
    this.cognigy = cognigy;
  }

  public AgentReply send(AgentSpec agent, AgentMessage message) {
    if (agent.config() instanceof HttpAgentConfig config) {
      return http.send(config, message);
    }
    if (agent.config() instanceof CognigyRestAgentConfig config) {
      return cognigy.send(config, message);
    }
    throw Failures.nonRetryable(
        ErrorCategory.AI_AGENT_ERROR,
        "Agents of type '" + agent.type() + "' cannot be sent single messages",
        new FailureDetail("agent type " + agent.type()));
  }
}
