package dev.agentsim.workflows.run;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One simulated conversation: the turn loop between the simulated user and the agent. */
@WorkflowInterface
public interface ConversationWorkflow {

  @WorkflowMethod
  RunOutcome run(RunInput input);
}
