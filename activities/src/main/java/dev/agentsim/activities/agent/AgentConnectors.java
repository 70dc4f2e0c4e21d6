package dev.agentsim.activities.agent;

import dev.agentsim.activities.FailureDetail;
import dev.agentsim.activities.Failures;
import dev.agentsim.store.definition.AgentSpec;
import dev.agentsim.workflows.ErrorCategory;
import org.springframework.stereotype.Component;

/** Sends a message to an agent of any connector type: the one way in for the agent under test and a counter agent. */
@Component
public class AgentConnectors {

  private final HttpAgentConnector http;

  public AgentConnectors(HttpAgentConnector http) {
    this.http = http;
  }

  public AgentReply send(AgentSpec agent, AgentMessage message) {
    if ("http".equals(agent.type()) && agent.config() != null) {
      return http.send(agent.config(), message);
    }
    throw Failures.nonRetryable(ErrorCategory.AI_AGENT_ERROR,
        "Agents of type '" + agent.type() + "' are not supported", new FailureDetail("agent type " + agent.type()));
  }
}
