package dev.agentsim.store.definition;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Map;

/**
 * A Cognigy.AI flow behind a REST endpoint ({@code cognigy-rest} agents).
 *
 * @param url the endpoint URL, {@code https://endpoint-<env>.cognigy.ai/<URLToken>}
 * @param headers sent with every request; their values are secrets
 */
public record CognigyRestAgentConfig(
    @NotBlank @Pattern(regexp = "https?://.+", message = "must be an http or https URL") String url,
    Map<String, String> headers,
    @Min(1) @Max(600_000) Integer timeoutMs)
    implements AgentConfig {}
