package dev.agentsim.api.error;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Names the field behind a body Jackson could not read. */
final class JsonProblems {

  /**
   * @param code {@code INVALID_JSON}, {@code UNKNOWN_FIELD} or {@code INVALID_TYPE}
   */
  record Located(String field, String code, String message) {}

  private JsonProblems() {}

  static Located locate(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause instanceof StreamReadException) {
      return new Located("body", "INVALID_JSON", "The request body is not valid JSON");
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      String field = path(unknown);
      return new Located(field, "UNKNOWN_FIELD", field + " is not a field of this object");
    }
    if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
      String field = path(jackson);
      return new Located(field, "INVALID_TYPE", field + " has the wrong type or value");
    }
    return new Located("body", "INVALID_JSON", "The request body is missing or not valid JSON");
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
