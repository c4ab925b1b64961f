package io.segmenta.insights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * One self-contained HTML report: the Markdown summary rendered (headings, paragraphs, tables) and
 * every chart inlined as a PNG data URI, so the file can be mailed or opened offline. On load, the
 * page records how many charts decoded in {@code body[data-charts-loaded]}, which the report test
 * reads back from a headless browser.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(String title, String markdown, List<Path> chartPngs) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n<style>")
        .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}img{max-width:100%;margin:1em 0;border:1px solid #eee}")
        .append("</style></head>\n<body data-charts-expected=\"").append(chartPngs.size()).append("\">\n");
    sb.append("<h1>").append(esc(title)).append("</h1>\n<h2>Charts</h2>\n");
    for (Path png : chartPngs) {
      try {
        String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        sb.append("<img class=\"chart\" alt=\"").append(esc(png.getFileName().toString())).append("\" src=\"data:image/png;base64,")
            .append(b64).append("\">\n");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot inline chart " + png + ": " + e.getMessage(), e);
      }
    }
    sb.append(markdownToHtml(markdown));
    sb.append("<script>window.addEventListener('load',function(){var n=0;for(var i of document.images){if(i.complete&&i.naturalWidth>0)n++;}")
        .append("document.body.setAttribute('data-charts-loaded',String(n));});</script>\n</body></html>\n");
    return sb.toString();
  }

  /** The subset of Markdown the summary uses: headings, tables, paragraphs, **bold**. */
  static String markdownToHtml(String md) {
    StringBuilder out = new StringBuilder();
    String[] lines = md.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.startsWith("#")) {
        int level = 0;
        while (level < l.length() && l.charAt(level) == '#') level++;
        int h = Math.min(6, level + 1); // the report's own title is the h1
        out.append("<h").append(h).append('>').append(inline(l.substring(level).strip())).append("</h").append(h).append(">\n");
      } else if (l.startsWith("|")) {
        out.append("<table>\n");
        boolean header = true;
        for (; i < lines.length && lines[i].startsWith("|"); i++) {
          String row = lines[i].strip();
          if (row.matches("\\|[-:| ]+\\|")) continue; // the alignment row
          String[] cells = row.substring(1, row.length() - 1).split("\\|", -1);
          out.append("<tr>");
          for (String c : cells) out.append(header ? "<th>" : "<td>").append(inline(c.strip())).append(header ? "</th>" : "</td>");
          out.append("</tr>\n");
          header = false;
        }
        i--;
        out.append("</table>\n");
      } else if (!l.isBlank()) {
        out.append("<p>").append(inline(l.strip())).append("</p>\n");
      }
    }
    return out.toString();
  }

  private static String inline(String s) {
    return esc(s).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
