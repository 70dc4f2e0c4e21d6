package dev.agentsim.api.auth;

import dev.agentsim.api.error.Dialect;
import dev.agentsim.api.feather.FeatherRunController;
import dev.agentsim.api.interactly.InteractlySimulationController;
import dev.agentsim.store.settings.SimulatorSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * The project a request names, read as its controller will read it: the native API's and Cognigy's
 * {@code projectId}, Feather's organization, Interactly's team (with their defaults).
 */
@Component
class RequestProject {

  private final String featherDefault;
  private final String interactlyDefault;

  RequestProject(SimulatorSettings settings) {
    this.featherDefault = settings.feather().defaultProject();
    this.interactlyDefault = settings.interactly().defaultTeamId();
  }

  /** The project, or null when the request names none. */
  String of(HttpServletRequest request) {
    return switch (Dialect.of(path(request))) {
      case COGNIGY, NATIVE -> parameter(request, "projectId");
      case FEATHER ->
          FeatherRunController.project(
              header(request, "x-organization-id"),
              parameter(request, "organization_id"),
              featherDefault);
      case INTERACTLY ->
          InteractlySimulationController.team(
              parameter(request, "team_id"), header(request, "X-Team-Id"), interactlyDefault);
    };
  }

  /** The servlet path is decoded and normalised, as the controllers are matched against it. */
  static String path(HttpServletRequest request) {
    return request.getServletPath() + Objects.requireNonNullElse(request.getPathInfo(), "");
  }

  // A parameter or header given more than once reaches a controller's String argument as its
  // values joined by commas (Spring's conversion of an array to a String): the same here, so that
  // "?projectId=mine&projectId=other" is checked as the project the controller will use.
  private static String parameter(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    return values == null ? null : String.join(",", values);
  }

  private static String header(HttpServletRequest request, String name) {
    List<String> values = Collections.list(request.getHeaders(name));
    return values.isEmpty() ? null : String.join(",", values);
  }
}
