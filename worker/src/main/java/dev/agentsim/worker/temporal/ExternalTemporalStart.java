package dev.agentsim.worker.temporal;

import dev.agentsim.store.settings.SimulatorSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Prepares a Temporal server of the service's own once it answers, and starts this process's
 * workers on it: a process started before its Temporal server (both coming up together, or the
 * server restarting) keeps trying, every second at first and at most every 30 s, instead of ending.
 * The search attributes the namespace lacks are registered first (see {@link
 * SearchAttributeRegistration}), by an api process too: whichever process of a fresh cluster comes
 * first, a batch scheduled there carries attributes the namespace knows.
 */
@Component
@ConditionalOnProperty(name = "spring.temporal.test-server.enabled", havingValue = "false")
public class ExternalTemporalStart
    implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ExternalTemporalStart.class);
  private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

  private final WorkerFactory workers;
  private final WorkflowServiceStubs service;
  private final String namespace;
  private final String target;
  private final ObjectProvider<SweepSchedule> sweep;
  private final ObjectProvider<RecurringSchedules> recurring;
  private final boolean startWorkers;
  private volatile Thread starting;

  public ExternalTemporalStart(
      WorkerFactory workers,
      WorkflowServiceStubs service,
      @Value("${spring.temporal.namespace:default}") String namespace,
      @Value("${spring.temporal.connection.target:}") String target,
      ObjectProvider<SweepSchedule> sweep,
      ObjectProvider<RecurringSchedules> recurring,
      SimulatorSettings settings) {
    this.workers = workers;
    this.service = service;
    this.namespace = namespace;
    this.target = target;
    this.sweep = sweep;
    this.recurring = recurring;
    this.startWorkers = settings.worker().startWhenReachable();
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    // Not a daemon: in a worker-only process nothing else keeps the JVM alive until the workers
    // poll.
    Thread thread = new Thread(this::startWhenReachable, "temporal-start");
    starting = thread;
    thread.start();
  }

  private void startWhenReachable() {
    Duration wait = FIRST_WAIT;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        register();
        if (startWorkers) {
          workers.start();
          log.info("Temporal workers polling {} (namespace {})", target, namespace);
          scheduleSweep();
          recurring.ifAvailable(RecurringSchedules::ensureLogged);
        }
        return;
      } catch (RuntimeException e) {
        log.warn(
            "Temporal at {} does not answer yet ({}): trying again in {} s",
            target,
            e.getMessage(),
            wait.toSeconds());
      }
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
    }
  }

  /**
   * Registers the search attributes; a server that answers but refuses is explained, and the
   * workers start anyway.
   */
  private void register() {
    try {
      List<String> registered = SearchAttributeRegistration.registerMissing(service, namespace);
      if (!registered.isEmpty()) {
        log.info(
            "Registered the search attributes {} in Temporal namespace {}", registered, namespace);
      }
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw e;
      }
      SearchAttributeRegistration.explain(namespace, e);
    }
  }

  private void scheduleSweep() {
    try {
      sweep.getObject().ensure();
    } catch (RuntimeException e) {
      log.warn(
          "The sweep could not be scheduled: batches whose workflow ends unrecorded stay running",
          e);
    }
  }

  @Override
  public void destroy() {
    Thread thread = starting;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
