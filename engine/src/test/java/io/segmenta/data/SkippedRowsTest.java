package io.segmenta.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkippedRowsTest {
  /** The file's documented form, built the plain way: the line, the quoted reason, the fields joined by commas and quoted. */
  private static String expected(long line, String reason, String[] fields) {
    return line + ",\"" + reason.replace("\"", "\"\"") + "\",\"" + String.join(",", fields).replace("\"", "\"\"") + "\"";
  }

  @Test
  void eachRowIsTheLineTheQuotedReasonAndTheQuotedFields(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("sub/rejects.csv");
    String[][] rows = {
        {"536365", "85123A", "WHITE \"HANGING\" HEART", "", "17850"},
        {"", "", ""},
        {"a\"", "\"", "\"\"b", "plain"},
        {},
        {"é ünicode", "x,y"},
    };
    String[] reasons = {"no customer id", "no customer id", "column 'Quantity': 'x\"' is not a number", "ragged", "no customer id"};
    List<String> want = new ArrayList<>(List.of("line,reason,fields"));
    try (SkippedRows s = new SkippedRows(file)) {
      for (int i = 0; i < rows.length; i++) {
        s.reject(i + 2, rows[i], reasons[i]);
        want.add(expected(i + 2, reasons[i], rows[i]));
      }
      assertEquals(rows.length, s.count());
    }
    assertEquals(want, Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  @Test
  void withoutAFileRowsAreCountedAndNothingIsWritten(@TempDir Path tmp) {
    try (SkippedRows s = new SkippedRows(null)) {
      s.reject(7, new String[] {"a"}, "why");
      assertEquals(1, s.count());
    }
    assertEquals(0, tmp.toFile().list().length);
  }
}
