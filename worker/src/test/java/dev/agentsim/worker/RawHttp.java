package dev.agentsim.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a well-behaved client refuses to send: malformed URIs,
 * any method, oversized or odd headers, bodies that do not match their headers.
 */
final class RawHttp {

  record Response(int status, Map<String, String> headers, String body) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  /**
   * Sends one request on its own connection and reads the answer to the end.
   *
   * @param target the request target as it goes on the wire, e.g. {@code /v1/agents?projectId=p}
   */
  static Response send(
      int port, String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(30_000);
      StringBuilder head =
          new StringBuilder(
              method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + "Connection: close\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (body != null
          && headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Content-Length"))) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        try {
          out.write(body);
        } catch (IOException e) {
          // The server may answer and close before taking a body it refuses: its answer is read
          // below.
        }
      }
      out.flush();
      return read(socket.getInputStream());
    }
  }

  static Response read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    // Skip interim answers such as 100 Continue.
    while (text.startsWith("HTTP/1.1 1")) {
      text = text.substring(text.indexOf("\r\n\r\n") + 4);
    }
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("No complete answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] raw = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
    byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? unchunk(raw) : raw;
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] raw) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (true) {
      int lineEnd = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return body.toByteArray();
      }
      body.write(raw, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
