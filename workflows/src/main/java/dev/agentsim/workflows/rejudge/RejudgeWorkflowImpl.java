package dev.agentsim.workflows.rejudge;

import dev.agentsim.workflows.RemoteFailures;
import dev.agentsim.workflows.rejudge.RejudgeActivities.RunToRejudge;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a batch's runs page by page, at most {@code concurrency} at a time, each in its own
 * activity so each has its own retries. Between pages it continues as new when its history grows
 * long, so a batch of any size fits.
 */
public class RejudgeWorkflowImpl implements RejudgeWorkflow {

  static final int PAGE_SIZE = 100;

  private static final ActivityOptions STORE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
          .build();

  private int judged;

  @Override
  public void run(RejudgeInput input) {
    RejudgeActivities store = Workflow.newActivityStub(RejudgeActivities.class, STORE_OPTIONS);
    // The judging activity counts the model's failures itself, as a conversation's do: Temporal
    // retries it without a limit, so waiting for a model slot uses no attempt.
    RejudgeActivities judge =
        Workflow.newActivityStub(RejudgeActivities.class, input.retry().turnOptions());
    int after = input.afterSequence();
    while (true) {
      List<RunToRejudge> page =
          store.runsToRejudge(input.batchId(), input.evaluation(), after, PAGE_SIZE);
      if (page.isEmpty()) {
        break;
      }
      List<Promise<Void>> inFlight = new ArrayList<>();
      for (RunToRejudge run : page) {
        while (inFlight.size() >= Math.max(1, input.concurrency())) {
          Promise.anyOf(inFlight).get();
          inFlight.removeIf(Promise::isCompleted);
        }
        inFlight.add(Async.procedure(() -> rejudge(run, judge, store)));
      }
      Promise.allOf(inFlight).get();
      after = page.get(page.size() - 1).sequence();
      Workflow.setCurrentDetails(
          "evaluation "
              + input.evaluation()
              + ": judged the runs up to sequence "
              + (after + 1)
              + (judged > 0 ? ", " + judged + " in this execution" : ""));
      if (Workflow.getInfo().isContinueAsNewSuggested()) {
        Workflow.continueAsNew(input.after(after));
      }
    }
    store.finishRejudge(input.batchId(), input.evaluation());
  }

  private void rejudge(RunToRejudge run, RejudgeActivities judge, RejudgeActivities store) {
    try {
      judge.rejudgeRun(run);
    } catch (ActivityFailure e) {
      // As in a conversation: a judge that keeps failing makes the run ERROR, never a verdict.
      try {
        store.recordRejudgeError(
            run,
            "The success criteria could not be judged: " + RemoteFailures.message(e),
            RemoteFailures.technicalDetails(e));
      } catch (ActivityFailure unrecordable) {
        // The store retries until it recovers, so this run cannot be recorded at all (deleted,
        // say). Failing here would leave the batch's rejudge in progress for good.
        Workflow.getLogger(RejudgeWorkflowImpl.class)
            .warn(
                "Run {} of batch {}: its rejudge error could not be " + "recorded: {}",
                run.sequence(),
                run.batchId(),
                RemoteFailures.message(unrecordable));
      }
    }
    judged++;
  }
}
