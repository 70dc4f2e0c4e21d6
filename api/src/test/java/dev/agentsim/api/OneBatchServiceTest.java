package dev.agentsim.api;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.agentsim.api.batch.BatchScheduler;
import dev.agentsim.api.batch.Batches;
import dev.agentsim.api.batch.Rejudge;
import dev.agentsim.store.batch.BatchRepository;
import dev.agentsim.store.llm.LlmCallRepository;
import dev.agentsim.store.run.EvaluationRepository;
import dev.agentsim.store.run.RunRepository;
import dev.agentsim.store.run.TurnRepository;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.Test;

/**
 * Every way to start, read, stop or rejudge a batch goes through {@link Batches}: the dialects, the
 * results viewer and the controllers map requests to its command and its answers to their views,
 * and reach neither the batches' storage nor Temporal themselves.
 */
class OneBatchServiceTest {

  private static final JavaClasses API =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.agentsim.api");

  @Test
  void dialectsAndControllersGoThroughTheBatchService() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "..api.cognigy..", "..api.feather..", "..api.interactly..", "..api.viewer..")
        .or()
        .haveSimpleNameEndingWith("Controller")
        .or()
        .haveSimpleName("BatchExport")
        .should()
        .dependOnClassesThat(
            equivalentTo(BatchRepository.class)
                .or(equivalentTo(RunRepository.class))
                .or(equivalentTo(TurnRepository.class))
                .or(equivalentTo(EvaluationRepository.class))
                .or(equivalentTo(LlmCallRepository.class))
                .or(equivalentTo(WorkflowClient.class))
                .or(equivalentTo(BatchScheduler.class))
                .or(equivalentTo(Rejudge.class)))
        .check(API);
  }

  @Test
  void theApiUsesNoWorkflowImplementation() {
    noClasses().should().dependOnClassesThat().haveSimpleNameEndingWith("WorkflowImpl").check(API);
  }
}
