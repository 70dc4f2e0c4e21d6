package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Models through the native API: testing one against its provider, and what a bad model gets. */
class ModelApiTest extends EmbeddedAppTest {

  private static final String BAD_KEY = "sk-wrong-key-123";

  @Test
  void testAnswersWithTheModelsReply() {
    String model = createModel();

    Http.Response response =
        http.post("/v1/models/" + model + "/test?projectId=" + PROJECT, Map.of());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body())
        .containsEntry("ok", true)
        .containsEntry("reply", "I would like a large pizza margherita, please.")
        .containsKey("latencyMs")
        .doesNotContainKeys("error", "category", "technicalDetails");
    fakes.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void testReportsAFailingProviderWithItsMessage() {
    fakes.stubFor(
        post(urlEqualTo("/rejecting/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        """
            {"error": {"message": "Incorrect API key provided: %s.", "type": "invalid_request_error",
             "param": null, "code": "invalid_api_key"}}"""
                            .formatted(BAD_KEY))));
    Http.Response created =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of(
                "name",
                "wrong key",
                "provider",
                "openai",
                "baseUrl",
                fakes.baseUrl() + "/rejecting/v1",
                "model",
                "gpt-4o-mini",
                "apiKey",
                BAD_KEY));
    assertThat(created.status()).isEqualTo(201);

    Http.Response response =
        http.post(
            "/v1/models/" + created.body().get("id") + "/test?projectId=" + PROJECT, Map.of());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body())
        .containsEntry("ok", false)
        .containsEntry(
            "error",
            "The model provider rejected the credentials (HTTP 401): check the model's API key")
        .containsEntry("category", "LLM_PROVIDER_ERROR")
        .containsKey("latencyMs")
        .doesNotContainKey("reply");
    assertThat((String) response.body().get("technicalDetails"))
        .contains("HTTP 401", "Incorrect API key provided")
        .doesNotContain(BAD_KEY);
  }

  @Test
  void testOfAnUnknownModelIs404() {
    Http.Response response =
        http.post(
            "/v1/models/6f1c1bde-0000-4000-8000-000000000000/test?projectId=" + PROJECT, Map.of());

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).containsEntry("code", "NOT_FOUND").containsKey("traceId");
  }

  @Test
  void unknownProviderIsRejectedNamingTheField() {
    Http.Response response =
        http.post(
            "/v1/models?projectId=" + PROJECT,
            Map.of("name", "by bird", "provider", "carrier-pigeon", "model", "coo-1"));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).containsEntry("field", "provider");
    assertThat((String) response.body().get("detail"))
        .contains("openai, azure-openai, anthropic, ollama");
  }
}
