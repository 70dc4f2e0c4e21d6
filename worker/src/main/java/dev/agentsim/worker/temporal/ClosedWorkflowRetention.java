package dev.agentsim.worker.temporal;

import io.temporal.testing.TestWorkflowEnvironment;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process Temporal server keeps every workflow it ran, closed or not, with its whole
 * history, for as long as the process lives: a 10,000-run batch left 538 MB of heap behind (about
 * 50 KB per run) and slowed down by a quarter as the server's maps grew. The store holds every
 * result, and nothing in the service reads a workflow long after it closed, so a sweep forgets the
 * workflows that were closed already at the sweep before: each stays between one and two periods
 * after it closes.
 *
 * <p>Like {@link TimeLockLog}, this reaches into the server's internals (its maps and their locks),
 * so it is installed only where the server is the one it was made for.
 */
final class ClosedWorkflowRetention implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClosedWorkflowRetention.class);

  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "in-process-temporal-retention");
            thread.setDaemon(true);
            return thread;
          });

  private final Lock serviceLock;
  private final Lock storeLock;
  private final Map<Object, Object> executions;
  private final Map<Object, Object> executionsByWorkflowId;
  private final Map<Object, Object> executionsByFirstRunId;
  private final Map<Object, Object> histories;
  private final Method isTerminal;
  private final Method executionId;
  private Set<Object> closedAtLastSweep = Set.of();

  @SuppressWarnings("unchecked")
  private ClosedWorkflowRetention(Object service) throws ReflectiveOperationException {
    serviceLock = (Lock) TimeLockLog.read(service, "lock");
    executions = (Map<Object, Object>) TimeLockLog.read(service, "executions");
    executionsByWorkflowId =
        (Map<Object, Object>) TimeLockLog.read(service, "executionsByWorkflowId");
    executionsByFirstRunId =
        (Map<Object, Object>) TimeLockLog.read(service, "executionsByFirstExecutionRunId");
    Object store = TimeLockLog.read(service, "store");
    storeLock = (Lock) TimeLockLog.read(store, "lock");
    histories = (Map<Object, Object>) TimeLockLog.read(store, "histories");
    Class<?> state = Class.forName("io.temporal.internal.testservice.TestWorkflowMutableState");
    isTerminal = state.getMethod("isTerminalState");
    executionId = state.getMethod("getExecutionId");
    isTerminal.setAccessible(true);
    executionId.setAccessible(true);
  }

  /**
   * @throws IllegalStateException when the server's internals are not as expected (another SDK
   *     version): the caller decides whether to go on without it
   */
  static ClosedWorkflowRetention of(TestWorkflowEnvironment environment) {
    try {
      return new ClosedWorkflowRetention(TimeLockLog.read(environment, "service"));
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "The in-process Temporal server is not the one this sweep was made for", e);
    }
  }

  /** Sweeps every {@code period} from now on. */
  ClosedWorkflowRetention every(Duration period) {
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            sweep();
          } catch (RuntimeException e) {
            log.warn("The in-process Temporal server's closed workflows could not be swept", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  /** Forgets the workflows closed already at the last sweep; returns how many it forgot. */
  int sweep() {
    serviceLock.lock();
    storeLock.lock();
    try {
      Set<Object> closed = Collections.newSetFromMap(new IdentityHashMap<>());
      Set<Object> forgotten = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Object state : List.copyOf(executions.values())) {
        if (!(Boolean) isTerminal.invoke(state)) {
          continue;
        }
        if (closedAtLastSweep.contains(state)) {
          Object id = executionId.invoke(state);
          executions.remove(id);
          histories.remove(id);
          forgotten.add(state);
        } else {
          closed.add(state);
        }
      }
      executionsByWorkflowId.values().removeIf(forgotten::contains);
      executionsByFirstRunId.values().removeIf(forgotten::contains);
      closedAtLastSweep = closed;
      return forgotten.size();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "The in-process Temporal server is not the one this sweep was made for", e);
    } finally {
      storeLock.unlock();
      serviceLock.unlock();
    }
  }

  /** How many workflows the server holds, running or closed. */
  int held() {
    serviceLock.lock();
    try {
      return executions.size();
    } finally {
      serviceLock.unlock();
    }
  }
}
