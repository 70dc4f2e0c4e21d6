package dev.agentsim.api.openapi;

import dev.agentsim.api.error.Dialect;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Documents the errors every operation can answer (401 and 403 unless it is open, bad input where
 * it takes any, 404 where its path names something), and gives every error response, these and
 * those an operation declares itself (409, 503), the error body of the operation's dialect. The
 * dialect is told by the path, as {@link Dialect#of} tells it for the answers themselves.
 */
final class ErrorResponses implements OpenApiCustomizer {

  private static final List<Class<?>> BODIES =
      List.of(
          ErrorBodies.Problem.class,
          ErrorBodies.CognigyValidationError.class,
          ErrorBodies.CognigyError.class,
          ErrorBodies.FeatherError.class,
          ErrorBodies.FeatherValidationError.class,
          ErrorBodies.InteractlyError.class,
          ErrorBodies.InteractlyValidationError.class);

  @Override
  public void customise(OpenAPI api) {
    if (api.getComponents() == null) {
      api.setComponents(new Components());
    }
    for (Class<?> body : BODIES) {
      ModelConverters.getInstance()
          .readAll(new AnnotatedType(body))
          .forEach(api.getComponents()::addSchemas);
    }
    if (api.getPaths() != null) {
      api.getPaths()
          .forEach(
              (path, item) ->
                  item.readOperations()
                      .forEach(operation -> document(Dialect.of(path), operation)));
    }
  }

  private static void document(Dialect dialect, Operation operation) {
    ApiResponses responses = operation.getResponses();
    boolean open = operation.getSecurity() != null && operation.getSecurity().isEmpty();
    if (!open) {
      add(responses, "401", "No credential, or not a valid one (when authentication is required)");
      add(
          responses,
          "403",
          "The credential may not do this: it lacks the scope, or is for another project");
    }
    boolean takesInput =
        operation.getRequestBody() != null
            || (operation.getParameters() != null && !operation.getParameters().isEmpty());
    if (takesInput) {
      if (dialect == Dialect.FEATHER || dialect == Dialect.INTERACTLY) {
        add(responses, "422", "Bad input: each problem located by its field");
      } else {
        add(responses, "400", "Bad input, naming the field at fault");
      }
    }
    if (operation.getParameters() != null
        && operation.getParameters().stream()
            .anyMatch(parameter -> "path".equals(parameter.getIn()))) {
      add(responses, "404", "Nothing of that id in the project");
    }
    responses.forEach(
        (code, response) -> {
          if (code.startsWith("4") || code.startsWith("5")) {
            response.setContent(
                new Content()
                    .addMediaType(
                        mediaType(dialect),
                        new MediaType()
                            .schema(
                                new Schema<>()
                                    .$ref("#/components/schemas/" + name(body(dialect, code))))));
          }
        });
  }

  private static void add(ApiResponses responses, String code, String description) {
    if (!responses.containsKey(code)) {
      responses.addApiResponse(code, new ApiResponse().description(description));
    }
  }

  private static String mediaType(Dialect dialect) {
    return dialect == Dialect.NATIVE ? "application/problem+json" : "application/json";
  }

  private static Class<?> body(Dialect dialect, String code) {
    return switch (dialect) {
      case NATIVE -> ErrorBodies.Problem.class;
      case COGNIGY ->
          code.equals("400")
              ? ErrorBodies.CognigyValidationError.class
              : ErrorBodies.CognigyError.class;
      case FEATHER ->
          code.equals("422")
              ? ErrorBodies.FeatherValidationError.class
              : ErrorBodies.FeatherError.class;
      case INTERACTLY ->
          code.equals("422")
              ? ErrorBodies.InteractlyValidationError.class
              : ErrorBodies.InteractlyError.class;
    };
  }

  private static String name(Class<?> body) {
    return body.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class).name();
  }
}
