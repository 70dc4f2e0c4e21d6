package dev.agentsim.worker.temporal;

import dev.agentsim.store.settings.SimulatorSettings;
import dev.agentsim.workflows.batch.SimulationSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.spring.boot.WorkerOptionsCustomizer;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TemporalWorkerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TemporalWorkerConfiguration.class);

  private static final boolean VIRTUAL_THREADS = Runtime.version().feature() >= 21;

  /**
   * Virtual threads for activities on Java 21+; and, when {@code simulator.worker.sticky-queues} is
   * false, no sticky queues: needed when several workers share a standalone test server, where a
   * workflow cached on a killed worker would otherwise never move. Keep them on a real cluster.
   */
  @Bean
  WorkerOptionsCustomizer simulatorWorkerOptions(SimulatorSettings settings) {
    boolean stickyQueues = settings.worker().stickyQueues();
    return (builder, workerName, taskQueue) -> {
      if (VIRTUAL_THREADS) {
        builder.setUsingVirtualThreads(true);
      }
      if (!stickyQueues) {
        builder.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
      }
      return builder;
    };
  }

  /** Virtual threads for workflow code on Java 21+. */
  @Bean
  TemporalOptionsCustomizer<WorkerFactoryOptions.Builder> simulatorWorkerFactoryOptions() {
    return builder -> VIRTUAL_THREADS ? builder.setUsingVirtualWorkflowThreads(true) : builder;
  }

  /**
   * The running service lives in real time: with time skipping, the in-process server would jump
   * over a batch's timeout or a mocked tool's delay whenever nothing else happens to be running.
   */
  @Bean
  TemporalOptionsCustomizer<TestEnvironmentOptions.Builder> inProcessServerInRealTime() {
    return builder -> builder.setUseTimeskipping(false);
  }

  /**
   * The in-process test server knows no custom search attributes until told; a real cluster gets
   * them from its setup (see docker-compose.yml). Its lock log is replaced, see {@link
   * TimeLockLog}, and it forgets closed workflows a while after they close, see {@link
   * ClosedWorkflowRetention}.
   */
  @Bean
  InProcessServerPreparation prepareInProcessServer(
      ObjectProvider<TestWorkflowEnvironment> testServer, SimulatorSettings settings) {
    return new InProcessServerPreparation(testServer, settings.embeddedTemporal().keepClosed());
  }

  static final class InProcessServerPreparation
      implements SmartInitializingSingleton, DisposableBean {

    private final ObjectProvider<TestWorkflowEnvironment> testServer;
    private final Duration keepClosed;
    private ClosedWorkflowRetention retention;

    InProcessServerPreparation(
        ObjectProvider<TestWorkflowEnvironment> testServer, Duration keepClosed) {
      this.testServer = testServer;
      this.keepClosed = keepClosed;
    }

    @Override
    public void afterSingletonsInstantiated() {
      testServer.ifAvailable(
          environment -> {
            for (SearchAttributeKey<String> key :
                List.of(
                    SimulationSearchAttributes.PROJECT,
                    SimulationSearchAttributes.BATCH,
                    SimulationSearchAttributes.SCENARIO,
                    SimulationSearchAttributes.STATUS)) {
              environment.registerSearchAttribute(
                  key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
            }
            try {
              TimeLockLog.install(environment);
            } catch (IllegalStateException e) {
              log.warn(
                  "The in-process Temporal server keeps its slow lock log: {}", e.getMessage());
            }
            try {
              retention = ClosedWorkflowRetention.of(environment).every(keepClosed);
              log.info(
                  "The in-process Temporal server forgets a workflow {} to {} after it closes (its results stay "
                      + "in the database)",
                  keepClosed,
                  keepClosed.multipliedBy(2));
            } catch (IllegalStateException e) {
              log.warn(
                  "The in-process Temporal server keeps its closed workflows: {}", e.getMessage());
            }
          });
    }

    @Override
    public void destroy() {
      if (retention != null) {
        retention.close();
      }
    }
  }
}
