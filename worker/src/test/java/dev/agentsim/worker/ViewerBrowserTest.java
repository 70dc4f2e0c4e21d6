package dev.agentsim.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.TestPropertySource;

/**
 * The results viewer in a real browser (Debian's chromium, headless): the pages of finished and
 * running batches, their links, filters and sorting, stopping and rejudging, a comparison, the
 * pages without JavaScript, and screenshots at desktop and phone widths in {@code
 * target/viewer-screenshots}.
 */
@TestPropertySource(properties = "simulator.temporal-ui-url=" + ViewerBrowserTest.TEMPORAL_UI)
class ViewerBrowserTest extends EmbeddedAppTest {

  static final String TEMPORAL_UI = "http://temporal-ui.example/namespaces/default/";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "viewer-screenshots");
  private static final int DESKTOP = 1400;
  private static final int PHONE = 390;

  private static ChromeDriver browser;
  private static ChromeDriver withoutJavaScript;

  @BeforeAll
  static void startBrowsers() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed");
    Files.createDirectories(SCREENSHOTS);
    browser = chromium(true);
    withoutJavaScript = chromium(false);
  }

  @AfterAll
  static void stopBrowsers() {
    for (ChromeDriver driver : new ChromeDriver[] {browser, withoutJavaScript}) {
      if (driver != null) {
        driver.quit();
      }
    }
  }

  private static ChromeDriver chromium(boolean javaScript) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The network here is closed: without these the browser waits on connections it tries to make.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + Files.createTempDirectory("viewer-chromium"),
        "--window-size=" + DESKTOP + ",1000");
    if (!javaScript) {
      options.setExperimentalOption(
          "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  @Test
  void readsBatchesRunsAndComparisonsAndStopsABatch() throws IOException {
    fakes.stubFor(
        post(urlEqualTo("/flaky-agent"))
            .inScenario("flip")
            .whenScenarioStateIs(STARTED)
            .willSetStateTo("declined")
            .willReturn(
                okJson(
                    """
            {"text": "Your order is confirmed, order number 7.", "ended": false}""")));
    fakes.stubFor(
        post(urlEqualTo("/flaky-agent"))
            .inScenario("flip")
            .whenScenarioStateIs("declined")
            .willSetStateTo(STARTED)
            .willReturn(
                okJson(
                    """
            {"text": "Sorry, we are out of dough.", "ended": false}""")));
    String steadyAgent = createAgent("/agent");
    String flakyAgent = createAgent("/flaky-agent");
    String slowAgent = createAgent("/slow-agent");
    String model = createModel();
    String scripted =
        createScenario(
            Map.of(
                "name",
                "Order by script",
                "script",
                List.of("A large pizza margherita, please."),
                "maxTurns",
                1));
    String steady = start(scripted, steadyAgent, model, 4, "steady");
    awaitBatch(scripted, steady, "completed");
    String flaky = start(scripted, flakyAgent, model, 4, "flaky");
    awaitBatch(scripted, flaky, "completed");
    // A batch that outlasts the test: twenty runs one at a time against an agent that takes 1.5 s a
    // reply.
    String running =
        start(
            createScenario(Map.of("name", "Slow order", "maxTurns", 3)),
            slowAgent,
            model,
            20,
            "slow");

    // The project picker, then the project's batches, newest first.
    open("/");
    browser.findElement(By.id("projectId")).clear();
    browser.findElement(By.id("projectId")).sendKeys(PROJECT, Keys.ENTER);
    waitFor(() -> browser.findElements(By.cssSelector("#batches tbody tr")).size() == 3);
    assertThat(rowIds()).containsExactly(running, flaky, steady);
    WebElement steadyRow = row(steady);
    assertThat(steadyRow.getText())
        .contains("Order by script", "agent at /agent", "completed", "4 / 4", "100%");
    assertThat(row(flaky).getText()).contains("50%", "(15%–85%)");
    assertThat(row(running).getText()).contains("Slow order", "0 / 20");
    assertThat(browser.findElement(By.tagName("body")).getAttribute("data-live")).isEqualTo("true");
    screenshots("batches");

    // Filters: status, then agent, then a label nobody has.
    new Select(browser.findElement(By.id("filter-status"))).selectByValue("completed");
    browser.findElement(By.cssSelector("form.filters button")).click();
    waitFor(() -> rowIds().size() == 2);
    assertThat(rowIds()).containsExactly(flaky, steady);
    new Select(browser.findElement(By.id("filter-agent"))).selectByValue(flakyAgent);
    browser.findElement(By.cssSelector("form.filters button")).click();
    waitFor(() -> rowIds().equals(List.of(flaky)));
    browser.findElement(By.id("filter-label")).sendKeys("team:none", Keys.ENTER);
    waitFor(() -> browser.findElements(By.cssSelector(".empty")).size() == 1);

    // A finished batch: counters, charts, criteria, runs, and its workflow in the Temporal UI.
    open("/?projectId=" + PROJECT);
    row(steady).findElement(By.linkText("steady")).click();
    waitFor(() -> browser.getCurrentUrl().contains("/ui/batches/" + steady));
    assertThat(browser.findElement(By.id("batch-status")).getText()).isEqualTo("completed");
    assertThat(browser.findElement(By.id("count-succeeded")).getText()).isEqualTo("4");
    assertThat(browser.findElement(By.id("pass-rate")).getText())
        .contains("100%", "95% interval 51%–100%");
    assertThat(browser.findElement(By.id("temporal-link")).getAttribute("href"))
        .isEqualTo("http://temporal-ui.example/namespaces/default/workflows/batch-" + steady);
    waitFor(() -> browser.findElements(By.cssSelector("canvas[data-drawn=true]")).size() == 4);
    assertThat(texts("#criteria tbody tr"))
        .hasSize(3)
        .anySatisfy(row -> assertThat(row).contains("contains: value=confirmed", "4 / 4", "100"));
    assertThat(texts("#outcomes tbody tr")).contains("Succeeded 4", "Failed 0");
    assertThat(texts("#latencies tbody tr"))
        .hasSize(8)
        .extracting(row -> Integer.parseInt(row.substring(row.lastIndexOf(' ') + 1)))
        .satisfies(
            counts -> assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4));
    assertThat(texts("#usage tbody tr")).anySatisfy(row -> assertThat(row).startsWith("judge"));
    assertThat(texts("#runs tbody tr")).hasSize(4);
    assertThat(texts("#runs tbody tr").get(0)).startsWith("Run 1 SUCCESS");
    new Select(browser.findElement(By.id("direction"))).selectByValue("desc");
    browser.findElement(By.cssSelector("form[aria-label='Filter and sort runs'] button")).click();
    waitFor(() -> texts("#runs tbody tr").stream().findFirst().orElse("").startsWith("Run 4"));
    screenshots("batch-finished");

    // A run: the chat, the criteria with the message the judge cites, the summary, the usage.
    browser.findElement(By.linkText("Run 4")).click();
    waitFor(() -> browser.getCurrentUrl().contains("/ui/runs/"));
    assertThat(browser.findElement(By.id("run-verdict")).getText()).isEqualTo("SUCCESS");
    assertThat(texts(".chat .message")).hasSize(2);
    assertThat(browser.findElement(By.cssSelector(".chat .role-user .text")).getText())
        .isEqualTo("A large pizza margherita, please.");
    WebElement agentMessage = browser.findElement(By.id("m2"));
    assertThat(agentMessage.getAttribute("class")).contains("role-agent", "cited");
    assertThat(agentMessage.getText()).contains("Your order is confirmed, order number 7.", "ms");
    assertThat(texts(".criteria li"))
        .hasSize(3)
        .anySatisfy(
            criterion ->
                assertThat(criterion)
                    .contains(
                        "passed",
                        JUDGED_CRITERION,
                        "The agent gave order number 7 [2].",
                        "cites message 2"));
    assertThat(browser.findElement(By.id("summary")).getText()).isEqualTo(SUMMARY);
    assertThat(browser.findElement(By.id("sentiment")).getText()).isEqualTo("positive");
    assertThat(texts("#run-usage tbody tr"))
        .anySatisfy(row -> assertThat(row).startsWith("judge 1 42 12"));
    assertThat(texts("#evaluations tbody tr"))
        .containsExactly("1 SUCCESS 3 / 3 positive " + SUMMARY);
    assertThat(browser.findElement(By.id("temporal-link")).getAttribute("href"))
        .endsWith("batch-" + steady + "-run-3");
    String runPage = browser.getCurrentUrl();
    browser.findElement(By.linkText("message 2")).click();
    assertThat(browser.getCurrentUrl()).endsWith("#m2");
    screenshots("run");

    // Rejudging the batch adds an evaluation to each run's history.
    browser.findElement(By.id("batch-link")).click();
    browser.findElement(By.id("rejudge")).click();
    waitFor(
        () ->
            browser.findElements(By.id("rejudge")).isEmpty()
                || browser.getPageSource().contains("rejudging"));
    awaitEvaluation(steady, 2);
    open(runPage.substring(runPage.indexOf("/ui/")));
    waitFor(() -> browser.findElements(By.cssSelector("#evaluations tbody tr")).size() == 2);
    assertThat(texts("#evaluations tbody tr").get(1)).startsWith("2 SUCCESS 3 / 3");

    // The failed runs of the flaky batch, by the verdict filter.
    open("/ui/batches/" + flaky + "?projectId=" + PROJECT);
    new Select(browser.findElement(By.id("filter-verdict"))).selectByValue("FAILED");
    browser.findElement(By.cssSelector("form[aria-label='Filter and sort runs'] button")).click();
    waitFor(() -> browser.getCurrentUrl().contains("verdict=FAILED"));
    assertThat(texts("#runs tbody tr"))
        .hasSize(2)
        .allSatisfy(row -> assertThat(row).contains("FAILED"));

    // Comparing the two, by the forms of the compare page.
    browser.findElement(By.linkText("Compare")).click();
    new Select(browser.findElement(By.id("compare-a"))).selectByValue(steady);
    new Select(browser.findElement(By.id("compare-b"))).selectByValue(flaky);
    browser.findElement(By.cssSelector("form[aria-label='Choose two batches'] button")).click();
    waitFor(() -> browser.findElements(By.id("difference")).size() == 1);
    assertThat(texts("#overall tbody tr"))
        .containsExactly("A steady 100% 51%–100% 4 0", "B flaky 50% 15%–85% 4 0");
    assertThat(browser.findElement(By.id("difference")).getText())
        .contains("-50.0 points", "fisher-exact");
    assertThat(browser.findElement(By.id("significance")).getText())
        .isEqualTo("not significant at 5%");
    assertThat(texts("#criteria tbody tr"))
        .anySatisfy(
            row ->
                assertThat(row).startsWith("contains: value=confirmed 4 / 4 2 / 4 -50.0 points"));
    assertThat(texts("#flipped tbody tr")).containsExactly("2 SUCCESS FAILED", "4 SUCCESS FAILED");
    screenshots("compare");
    browser.findElement(By.linkText("FAILED")).click();
    waitFor(() -> browser.getCurrentUrl().contains("/ui/runs/"));
    assertThat(browser.findElement(By.id("run-verdict")).getText()).isEqualTo("FAILED");

    // A running batch keeps its page current, and stops from it.
    open("/ui/batches/" + running + "?projectId=" + PROJECT);
    assertThat(browser.findElement(By.id("batch-status")).getText()).isIn("pending", "running");
    assertThat(browser.findElement(By.tagName("body")).getAttribute("data-live")).isEqualTo("true");
    screenshots("batch-running");
    open("/ui/batches/" + running + "?projectId=" + PROJECT);
    browser.findElement(By.id("stop")).click();
    // the live region is replaced as the page polls: an element read may go stale
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .pollingEvery(Duration.ofMillis(250))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(driver -> driver.findElement(By.id("batch-status")).getText().equals("stopped"));
    assertThat(browser.findElements(By.id("stop"))).isEmpty();
    assertThat(http.get("/v1/batches/" + running + "?projectId=" + PROJECT).body())
        .containsEntry("status", "stopped");

    // Without JavaScript the tables hold everything; only the charts are missing.
    withoutJavaScript.get(url("/ui/batches/" + steady + "?projectId=" + PROJECT));
    assertThat(withoutJavaScript.findElements(By.cssSelector("#runs tbody tr"))).hasSize(4);
    assertThat(withoutJavaScript.findElement(By.id("count-succeeded")).getText()).isEqualTo("4");
    assertThat(withoutJavaScript.findElements(By.cssSelector("#criteria tbody tr"))).hasSize(3);
    assertThat(withoutJavaScript.findElements(By.cssSelector("canvas[data-drawn]"))).isEmpty();
    withoutJavaScript.get(url("/?projectId=" + PROJECT));
    assertThat(withoutJavaScript.findElements(By.cssSelector("#batches tbody tr"))).hasSize(3);
    withoutJavaScript.findElement(By.linkText("flaky")).click();
    assertThat(withoutJavaScript.findElement(By.id("count-failed")).getText()).isEqualTo("2");

    // Bad input gets a page naming the field.
    open("/ui/batches/" + steady + "?projectId=" + PROJECT + "&sort=colour");
    assertThat(browser.findElement(By.cssSelector(".error .field")).getText()).isEqualTo("sort");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("400 Bad Request");
  }

  @Test
  void pagesAreKeyboardNavigableAndFitAPhone() throws IOException {
    open("/?projectId=" + PROJECT);
    browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement focused = browser.switchTo().activeElement();
    assertThat(focused.getText()).isEqualTo("Skip to content");
    // every form field has a label a screen reader reads
    for (WebElement field :
        browser.findElements(By.cssSelector("form select, form input:not([type=hidden])"))) {
      assertThat(field.findElements(By.xpath("ancestor::label")))
          .as(field.getAttribute("name"))
          .isNotEmpty();
    }
    phoneWidth(true);
    try {
      long overflow =
          (Long)
              ((JavascriptExecutor) browser)
                  .executeScript(
                      "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(overflow).as("the page scrolls sideways on a phone").isLessThanOrEqualTo(0);
    } finally {
      phoneWidth(false);
    }
  }

  private String start(String scenarioId, String agentId, String modelId, int runs, String name) {
    Http.Response started =
        schedule(
            scenarioId,
            scheduleBody(agentId, modelId, runs, Map.of("name", name, "concurrency", 1)));
    assertThat(started.status()).as("%s", started.body()).isEqualTo(201);
    return (String) started.body().get("id");
  }

  private void awaitEvaluation(String batchId, int evaluation) {
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .pollingEvery(Duration.ofMillis(200))
        .until(
            driver -> {
              Map<String, Object> batch =
                  http.get("/v1/batches/" + batchId + "?projectId=" + PROJECT).body();
              return Integer.valueOf(evaluation).equals(batch.get("evaluation"))
                  && Boolean.FALSE.equals(batch.get("rejudging"));
            });
  }

  private String url(String path) {
    return "http://localhost:" + port + path;
  }

  private void open(String path) {
    browser.get(url(path));
  }

  private void waitFor(java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .pollingEvery(Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(driver -> condition.getAsBoolean());
  }

  private List<String> rowIds() {
    return browser.findElements(By.cssSelector("#batches tbody tr")).stream()
        .map(row -> row.getAttribute("data-batch-id"))
        .toList();
  }

  private WebElement row(String batchId) {
    return browser.findElement(By.cssSelector("#batches tr[data-batch-id='" + batchId + "']"));
  }

  private List<String> texts(String selector) {
    return browser.findElements(By.cssSelector(selector)).stream()
        .map(element -> element.getText().replaceAll("\\s+", " ").strip())
        .toList();
  }

  /** The whole page as a desktop and as a phone shows it. */
  private void screenshots(String name) throws IOException {
    for (int width : new int[] {DESKTOP, PHONE}) {
      metrics(width, 900);
      long height =
          (Long)
              ((JavascriptExecutor) browser)
                  .executeScript("return Math.ceil(document.documentElement.scrollHeight);");
      metrics(width, (int) Math.min(height, 8_000));
      Map<String, Object> shot =
          browser.executeCdpCommand(
              "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
      Files.write(
          SCREENSHOTS.resolve(name + "-" + width + ".png"),
          Base64.getDecoder().decode((String) shot.get("data")));
    }
    browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  private void phoneWidth(boolean phone) {
    if (phone) {
      metrics(PHONE, 844);
    } else {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  private void metrics(int width, int height) {
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }
}
