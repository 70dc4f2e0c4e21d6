package dev.agentsim.api.definition;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.UUIDSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/**
 * Documents the operations {@link DefinitionController} gives each kind: a summary naming the kind,
 * 201 on create, 204 on delete, and the stored object (the spec, without its secrets, with its id,
 * project and times) as the answer. The controller builds that answer as a map, which the document
 * could not otherwise show.
 */
@Component
class DefinitionDocs implements OperationCustomizer {

  private record Described(String noun, String spec) {}

  private static final Map<Class<?>, Described> KINDS =
      Map.of(
          AgentController.class, new Described("agent", "AgentSpec"),
          ModelController.class, new Described("model", "ModelSpec"),
          PersonaController.class, new Described("persona", "PersonaSpec"),
          ScenarioController.class, new Described("scenario", "ScenarioSpec"));

  @Override
  public Operation customize(Operation operation, HandlerMethod handler) {
    Described kind = KINDS.get(handler.getBeanType());
    if (kind == null || handler.getMethod().getDeclaringClass() != DefinitionController.class) {
      return operation;
    }
    String a = (kind.noun().startsWith("a") ? "an " : "a ") + kind.noun();
    Schema<?> stored = stored(kind);
    ApiResponses responses = new ApiResponses();
    switch (handler.getMethod().getName()) {
      case "create" -> {
        operation.summary("Create " + a);
        responses.addApiResponse("201", json("The " + kind.noun() + " as stored", stored));
      }
      case "get" -> {
        operation.summary("Read " + a);
        responses.addApiResponse("200", json("The " + kind.noun(), stored));
      }
      case "list" -> {
        operation
            .summary("List " + kind.noun() + "s")
            .description("In order of creation, limit (1 to 100) at a time");
        responses.addApiResponse(
            "200",
            json(
                "One page of " + kind.noun() + "s",
                new ObjectSchema()
                    .addProperty("data", new ArraySchema().items(stored))
                    .addProperty(
                        "pagination", new Schema<>().$ref("#/components/schemas/Pagination"))));
      }
      case "update" -> {
        operation
            .summary("Replace " + a)
            .description("Secrets left out, or sent back masked, keep their stored values");
        responses.addApiResponse("200", json("The " + kind.noun() + " as stored", stored));
      }
      case "delete" -> {
        operation.summary("Delete " + a);
        responses.addApiResponse("204", new ApiResponse().description("Deleted"));
      }
      default -> {
        return operation;
      }
    }
    return operation.responses(responses);
  }

  /** The spec with what storing adds: secrets (header values, API keys) are left out or masked. */
  private static Schema<?> stored(Described kind) {
    ObjectSchema added = new ObjectSchema();
    added.addProperty("id", new UUIDSchema());
    added.addProperty("projectId", new StringSchema());
    added.addProperty("createdAt", new DateTimeSchema());
    added.addProperty("updatedAt", new DateTimeSchema());
    if (kind.noun().equals("agent")) {
      added.addProperty(
          "revisionId",
          new UUIDSchema()
              .description("The latest revision, which runs test unless " + "they pin another"));
      added.addProperty(
          "revision", new IntegerSchema().description("1 as created, one more per update"));
    }
    return new Schema<>()
        .allOf(List.of(new Schema<>().$ref("#/components/schemas/" + kind.spec()), added));
  }

  private static ApiResponse json(String description, Schema<?> schema) {
    return new ApiResponse()
        .description(description)
        .content(new Content().addMediaType("application/json", new MediaType().schema(schema)));
  }
}
