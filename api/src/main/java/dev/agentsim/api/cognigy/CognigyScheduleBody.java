package dev.agentsim.api.cognigy;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.Map;

/**
 * The body of {@code POST /simulations/{ref}/schedule} as the API document shows it; {@link
 * CognigyScheduleParser} reads it.
 */
@Schema(
    name = "CognigyScheduleRequest",
    description = "Cognigy Simulator's schedule body, with this service's extensions")
record CognigyScheduleBody(
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            description = "Must equal the projectId query parameter")
        String projectReference,
    @Schema(requiredMode = RequiredMode.REQUIRED, description = "Name for this batch") String name,
    @Schema(
            requiredMode = RequiredMode.REQUIRED,
            description = "Number of runs",
            minimum = "1",
            maximum = "10000")
        Integer numberOfExecutions,
    @Schema(
            description = "Endpoint type, shown on the batch and used to filter its runs",
            example = "api")
        String endPointType,
    @Schema(requiredMode = RequiredMode.REQUIRED) RunConfig runConfig,
    @Schema(
            description = "Extension: runs in flight at once",
            minimum = "1",
            maximum = "500",
            defaultValue = "10")
        Integer concurrency,
    @Schema(
            description = "Extension: stop at the first run judged FAILED or ERROR",
            defaultValue = "false")
        Boolean stopOnFailure,
    @Schema(
            description = "Extension: time limit of the whole batch",
            minimum = "1",
            maximum = "604800")
        Integer timeoutSeconds,
    @Schema(
            description = "Extension: messages per run",
            minimum = "1",
            maximum = "10000",
            defaultValue = "500")
        Integer maxEvents,
    @Schema(
            description =
                "Extension: string values overriding the scenario's dynamic variables for this batch")
        Map<String, String> dynamicVariables) {

  @Schema(name = "CognigyRunConfig")
  record RunConfig(
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "The agent under test (its id)",
              format = "uuid")
          String flowReferenceId,
      @Schema(description = "Locale, sent to the agent") String localeReferenceId,
      @Schema(requiredMode = RequiredMode.REQUIRED, description = "Entry point, sent to the agent")
          String entrypoint,
      @Schema(
              requiredMode = RequiredMode.REQUIRED,
              description = "The model playing the user and judging (its id)",
              format = "uuid")
          String largeLanguageModelReferenceId,
      @Schema(description = "The simulated user's id; each run gets its own without it")
          String userId,
      @Schema(description = "Sent to the agent with every message") Map<String, Object> data,
      @Schema(description = "Tells the agent to mock its tools") Boolean enableMocking) {}
}
