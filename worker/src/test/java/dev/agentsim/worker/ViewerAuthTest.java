package dev.agentsim.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The results viewer with authentication required: a page load without a credential goes to the
 * sign-in form, which takes an API key and keeps it in an HttpOnly, SameSite=Strict cookie that
 * only the viewer's paths read; its forms need their CSRF token.
 */
@TestPropertySource(
    properties = {
      "simulator.auth.required=true",
      "simulator.auth.admin-key=" + ViewerAuthTest.ADMIN_KEY,
    })
class ViewerAuthTest extends EmbeddedAppTest {

  static final String ADMIN_KEY = "admin-key-of-the-viewer-test-0123456789";
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void signsInWithAnApiKeyKeptInACookieOnlyTheViewerReads() throws Exception {
    HttpResponse<String> anonymous = get("/?projectId=" + PROJECT, null);
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/ui/login"));

    HttpResponse<String> form = get("/ui/login", null);
    assertThat(form.statusCode()).isEqualTo(200);
    String csrfCookie = cookie(form, "XSRF-TOKEN");
    Matcher token = CSRF.matcher(form.body());
    assertThat(token.find()).as(form.body()).isTrue();

    HttpResponse<String> wrong =
        post("/ui/login", "apiKey=ask_not-a-key&_csrf=" + token.group(1), csrfCookie);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("<code class=\"field\">apiKey</code>", "apiKey is not valid");

    HttpResponse<String> withoutToken = post("/ui/login", "apiKey=" + ADMIN_KEY, csrfCookie);
    assertThat(withoutToken.statusCode()).isEqualTo(403);

    HttpResponse<String> signedIn =
        post(
            "/ui/login",
            "apiKey="
                + URLEncoder.encode(ADMIN_KEY, StandardCharsets.UTF_8)
                + "&_csrf="
                + token.group(1),
            csrfCookie);
    assertThat(signedIn.statusCode()).isEqualTo(302);
    String setCookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(value -> value.startsWith("agentsim_viewer_key="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/");
    String keyCookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> page = get("/?projectId=" + PROJECT, keyCookie);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Batches</h1>", "Sign out");

    // The API takes no cookie: a page elsewhere cannot make the browser call it with the key.
    HttpResponse<String> api =
        send(
            HttpRequest.newBuilder(uri("/v1/batches?projectId=" + PROJECT))
                .header("Cookie", keyCookie)
                .header("Accept", "application/json")
                .GET());
    assertThat(api.statusCode()).isEqualTo(401);

    // A form posted without the page's CSRF token is refused, with the cookie or without.
    HttpResponse<String> stop =
        post("/ui/batches/" + UUID.randomUUID() + "/stop?projectId=" + PROJECT, "", keyCookie);
    assertThat(stop.statusCode()).isEqualTo(403);
  }

  @Test
  void aKeyOfAnotherProjectSeesNoPageOfThisOne() throws Exception {
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(uri("/v1/api-keys?projectId=other"))
                .header("X-API-Key", ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        """
            {"name": "other project", "scopes": ["read", "write"]}""")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Matcher secret = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
    assertThat(secret.find()).isTrue();

    HttpResponse<String> page =
        get("/?projectId=" + PROJECT, "agentsim_viewer_key=" + secret.group(1));
    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.body()).contains("may not use project &#39;" + PROJECT + "&#39;");
    assertThat(get("/?projectId=other", "agentsim_viewer_key=" + secret.group(1)).statusCode())
        .isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String cookie)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET();
    return send(cookie == null ? request : request.header("Cookie", cookie));
  }

  private HttpResponse<String> post(String path, String form, String cookie)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static String cookie(HttpResponse<String> response, String name) {
    List<String> values = response.headers().allValues("Set-Cookie");
    return values.stream()
        .filter(value -> value.startsWith(name + "="))
        .map(value -> value.substring(0, value.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + values));
  }
}
