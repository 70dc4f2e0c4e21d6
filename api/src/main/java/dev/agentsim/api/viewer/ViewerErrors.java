package dev.agentsim.api.viewer;

import dev.agentsim.api.error.Conflict;
import dev.agentsim.api.error.FieldError;
import dev.agentsim.api.error.NotFound;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * The viewer's errors as a page a person reads, naming the field at fault, with the status the API
 * would give.
 */
@ControllerAdvice(assignableTypes = ViewerController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ViewerErrors {

  @ExceptionHandler(FieldError.class)
  ModelAndView field(FieldError e, HttpServletRequest request) {
    return page(request, HttpStatus.BAD_REQUEST, e.getMessage(), e.field());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ModelAndView missing(MissingServletRequestParameterException e, HttpServletRequest request) {
    return page(
        request,
        HttpStatus.BAD_REQUEST,
        e.getParameterName() + " is required",
        e.getParameterName());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ModelAndView mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    return page(
        request,
        HttpStatus.BAD_REQUEST,
        e.getName() + " is not a valid " + e.getRequiredType().getSimpleName(),
        e.getName());
  }

  @ExceptionHandler(NotFound.class)
  ModelAndView notFound(NotFound e, HttpServletRequest request) {
    return page(request, HttpStatus.NOT_FOUND, e.getMessage(), null);
  }

  @ExceptionHandler(Conflict.class)
  ModelAndView conflict(Conflict e, HttpServletRequest request) {
    return page(request, HttpStatus.CONFLICT, e.getMessage(), null);
  }

  private static ModelAndView page(
      HttpServletRequest request, HttpStatus status, String message, String field) {
    ModelAndView page = new ModelAndView("viewer/error", status);
    page.addObject("projectId", request.getParameter("projectId"));
    page.addObject("status", status.value());
    page.addObject("reason", status.getReasonPhrase());
    page.addObject("message", message);
    page.addObject("field", field);
    return page;
  }
}
