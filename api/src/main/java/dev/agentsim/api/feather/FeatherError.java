package dev.agentsim.api.feather;

import org.springframework.http.HttpStatus;

/**
 * A Feather error answered as {@code {error, message}}; {@code error} is a stable snake_case code.
 */
class FeatherError extends RuntimeException {

  private final HttpStatus status;
  private final String error;

  FeatherError(HttpStatus status, String error, String message) {
    super(message);
    this.status = status;
    this.error = error;
  }

  static FeatherError notFound(String message) {
    return new FeatherError(HttpStatus.NOT_FOUND, "not_found", message);
  }

  HttpStatus status() {
    return status;
  }

  String error() {
    return error;
  }
}
