package io.segmenta.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rows a reader skipped (malformed rows under a skip policy, rows left out by {@code --missing
 * drop}), one CSV line each: the input line number, the reason, the fields. With no file (null),
 * they are counted only. The file is created at the first row, so a clean read writes none.
 */
public class SkippedRows implements TableReader.RejectSink, AutoCloseable {
  private final Path file;
  private BufferedWriter out;
  private long count;

  public SkippedRows(Path file) {
    this.file = file;
  }

  @Override
  public void reject(long line, String[] fields, String reason) {
    if (file == null) {
      count++;
      return;
    }
    try {
      if (out == null) {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write("line,reason,fields\n");
      }
      out.write(line + "," + quote(reason) + "," + quote(String.join(",", fields)) + "\n");
      count++;
    } catch (IOException e) {
      throw new io.segmenta.InvalidInputException("cannot write the skipped rows to " + file + ": " + e, e);
    }
  }

  public long count() {
    return count;
  }

  public Path file() {
    return file;
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() {
    try {
      if (out != null) out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the skipped rows to " + file + ": " + e.getMessage(), e);
    }
  }
}
