package dev.agentsim.api.definition;

import dev.agentsim.api.error.FieldError;
import dev.agentsim.store.outbound.OutboundPolicy;

/** A URL the service will call, checked as it is saved. */
final class Urls {

  private Urls() {}

  /**
   * @throws FieldError naming the field when the URL is malformed or the outbound policy refuses it
   */
  static void check(OutboundPolicy outbound, String field, String url) {
    try {
      outbound.checkSaved(url);
    } catch (OutboundPolicy.Refused e) {
      throw new FieldError(
          field,
          "NOT_ALLOWED",
          field
              + " "
              + e.getMessage()
              + "; simulator.outbound.allow lists what may be called beyond public addresses");
    } catch (IllegalArgumentException e) {
      throw new FieldError(field, "INVALID_VALUE", field + " " + e.getMessage());
    }
  }
}
