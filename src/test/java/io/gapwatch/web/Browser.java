package io.gapwatch.web;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, driven through Selenium with Debian's chromedriver: the real
 * browser the pages are tested in. A test calls {@link #assumeAvailable()} in its
 * {@code @BeforeEach}; where the browser or the driver is missing it is skipped with the reason,
 * unless the environment sets {@value #REQUIRE}, as CI does, where it fails instead.
 *
 * <p>Each browser gets a fresh profile, deleted on {@link #close()}, and keeps every console
 * message so a test can insist on none being an error.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String REQUIRE = "REQUIRE_BROWSER";

    /** Wide enough for the charts' two columns beside the findings. */
    static final int WIDTH = 1400;

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips the calling test, saying why, when there is no browser to run it in; fails instead under {@value #REQUIRE}. */
    public static void assumeAvailable() {
        final List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (missing.isEmpty()) {
            return;
        }
        final String reason = "no browser to test the pages in: missing " + String.join(" and ", missing);
        final String required = System.getenv(REQUIRE);
        if (required != null && !required.isEmpty()) {
            Assertions.fail(reason + "; " + REQUIRE + " is set, so the browser tests must run");
        }
        Assumptions.abort(reason + " (set " + REQUIRE + "=1 to make this a failure)");
    }

    public static Browser start() {
        final Path profile;
        try {
            profile = Files.createTempDirectory("gapwatch-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=" + WIDTH + ",1000");
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        // the driver named outright: Selenium Manager would otherwise try to download one
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().withSilent(true).build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Cuts the page off from every network, as a machine without one would be. */
    public void offline() {
        driver.setNetworkConditions(new ChromiumNetworkConditions().setOffline(true));
    }

    public void open(String url) {
        driver.get(url);
    }

    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** Waits, up to a generous bound, until the script returns true: a condition, not a timing. */
    public void await(String description, String javascript) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(description)
                .until(d -> Boolean.TRUE.equals(script(javascript)));
    }

    /** The console messages logged since the last call, at SEVERE level: errors, uncaught exceptions, failed loads. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** The whole page, not only the window, as a PNG. */
    public Path screenshot(Path file) {
        final Number height = (Number) script("return Math.ceil(document.documentElement.scrollHeight)");
        final Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", WIDTH, "height", height.intValue(), "scale", 1)));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
