package dev.agentsim.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both workflows on a time-skipping test server, their activities played by one {@link
 * FakeActivities} per test.
 */
public abstract class WorkflowTestSupport {

  @RegisterExtension static final TestWorkflowExtension temporal = SimulationTesting.extension();

  protected WorkflowClient client;
  protected String taskQueue;
  protected FakeActivities fakes;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    this.client = client;
    this.taskQueue = worker.getTaskQueue();
    this.fakes = new FakeActivities(client);
    worker.registerActivitiesImplementations(fakes);
    env.start();
  }

  @AfterEach
  void releaseHangingActivities() {
    fakes.release();
  }
}
