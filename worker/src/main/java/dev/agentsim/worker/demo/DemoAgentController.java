package dev.agentsim.worker.demo;

import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small rule-based travel bot speaking the generic HTTP agent contract, so a first batch needs no
 * agent of one's own. It books one flight per conversation.
 */
@RestController
@Conditional(DemoMode.class)
public class DemoAgentController {

  record Message(
      String sessionId, String userId, String text, Map<String, Object> data, Integer turn) {}

  record Reply(String text, Map<String, Object> data, boolean ended) {}

  static final String PATH = "/demo/agent";

  @PostMapping(PATH)
  public Reply reply(@RequestBody Message message) {
    String text = message.text() == null ? "" : message.text().toLowerCase(Locale.ROOT);
    if (text.isBlank()) {
      return new Reply(
          "Hello! I am the demo travel assistant. How can I help you?",
          Map.of("intent", "greeting"),
          false);
    }
    if (text.matches(".*\\b(bye|goodbye|that's all)\\b.*")) {
      return new Reply(
          "Thank you for travelling with us. Goodbye!", Map.of("intent", "goodbye"), true);
    }
    if (text.matches(".*\\b(yes|confirm|book it|please do)\\b.*")) {
      return new Reply(
          "Your flight is booked. Your confirmation number is DEMO-4242.",
          Map.of("intent", "confirm", "confirmation", "DEMO-4242"),
          false);
    }
    for (String city : new String[] {"lisbon", "paris", "berlin", "london", "madrid", "rome"}) {
      if (text.contains(city)) {
        String name = Character.toUpperCase(city.charAt(0)) + city.substring(1);
        return new Reply(
            "I found a flight to " + name + " tomorrow at 9:40 for 129 EUR. Shall I book it?",
            Map.of("intent", "offer", "destination", name),
            false);
      }
    }
    if (text.matches(".*\\b(flight|fly|book|travel|trip)\\b.*")) {
      return new Reply(
          "Sure. Where would you like to fly to?", Map.of("intent", "ask_destination"), false);
    }
    if (text.matches(".*\\b(hi|hello|hey)\\b.*")) {
      return new Reply("Hello! How can I help you today?", Map.of("intent", "greeting"), false);
    }
    return new Reply(
        "Sorry, I can only help with booking flights.", Map.of("intent", "fallback"), false);
  }
}
