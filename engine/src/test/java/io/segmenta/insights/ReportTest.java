package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.cli.SegmentCli;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's HTML report, opened in headless Chromium (Debian's {@code chromium}): the page is not
 * blank and every inlined chart decoded. CI installs Chromium and sets {@code SEGMENTA_REQUIRE_CHROMIUM=1};
 * elsewhere the test is skipped when no Chromium is installed.
 */
class ReportTest {
  @TempDir Path dir;

  static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) if (Files.isExecutable(Path.of(c))) return c;
    return null;
  }

  @Test
  void reportOpensInHeadlessChromiumWithEveryChartLoaded() throws Exception {
    String chrome = chromium();
    if (chrome == null && "1".equals(System.getenv("SEGMENTA_REQUIRE_CHROMIUM"))) fail("Chromium is required here but not installed");
    Assumptions.assumeTrue(chrome != null, "skipped: no Chromium installed (apt-get install chromium)");
    Path log = dir.resolve("tx.csv.gz");
    assertEquals(0, cli("generate", "--rows", "2000", "--segments", "4", "--seed", "3", "--transactions", log.toString()));
    Path out = dir.resolve("run");
    assertEquals(0, cli("kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "auto:2-6", "--auto-log1p", "1",
        "--scale", "standard", "--n-init", "3", "--seed", "1", "--out", out.toString(), "--progress", "never"));
    Path html = out.resolve("report.html");
    assertTrue(Files.size(html) > 10_000);

    String dom = run(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", html.toUri().toString());
    Matcher expected = Pattern.compile("data-charts-expected=\"(\\d+)\"").matcher(dom);
    Matcher loaded = Pattern.compile("data-charts-loaded=\"(\\d+)\"").matcher(dom);
    assertTrue(expected.find() && loaded.find(), "the page ran its load script: " + dom.substring(0, Math.min(300, dom.length())));
    assertTrue(Integer.parseInt(expected.group(1)) >= 5, "elbow, sizes, silhouette, PCA and top products at least");
    assertEquals(expected.group(1), loaded.group(1), "every chart decoded");

    Path shot = dir.resolve("shot.png");
    run(chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600", "--screenshot=" + shot,
        html.toUri().toString());
    BufferedImage img = ImageIO.read(shot.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) for (int x = 0; x < img.getWidth(); x += 7) colours.add(img.getRGB(x, y));
    assertTrue(colours.size() > 20, "not a blank page: " + colours.size() + " colours");
  }

  private static int cli(String... args) {
    return SegmentCli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    return out;
  }
}
