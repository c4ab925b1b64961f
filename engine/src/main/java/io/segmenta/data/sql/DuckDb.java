package io.segmenta.data.sql;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One embedded, in-memory DuckDB session with every setting chosen ({@link DuckDbSettings}):
 * extensions are never installed or loaded from the network (parquet, json and icu are linked into
 * the driver), spill files go to a private directory under the settings' temp root, and memory and
 * threads are bounded. Closing the session removes that directory.
 */
public final class DuckDb implements AutoCloseable {
  private final Path dir;
  private final Connection connection;

  private DuckDb(Path dir, Connection connection) {
    this.dir = dir;
    this.connection = connection;
  }

  /** Opens a session. */
  public static DuckDb open(DuckDbSettings s) {
    Path dir;
    try {
      Files.createDirectories(s.tempRoot());
      dir = Files.createTempDirectory(s.tempRoot(), "segmenta-duckdb-");
      Files.createDirectories(dir.resolve("extensions"));
      Files.createDirectories(dir.resolve("spill"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create DuckDB's temporary directory under " + s.tempRoot() + ": " + e.getMessage(), e);
    }
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("extension_directory", dir.resolve("extensions").toString());
    p.setProperty("temp_directory", dir.resolve("spill").toString());
    p.setProperty("memory_limit", (s.memoryLimitBytes() >> 20) + "MiB");
    p.setProperty("threads", Integer.toString(s.threads()));
    // Rows must come out in file order (assignments are written in input order).
    p.setProperty("preserve_insertion_order", "true");
    try {
      return new DuckDb(dir, DriverManager.getConnection("jdbc:duckdb:", p));
    } catch (SQLException e) {
      deleteTree(dir);
      throw new IllegalStateException("cannot start DuckDB: " + e.getMessage(), e);
    }
  }

  public Connection connection() {
    return connection;
  }

  /** The session's private directory (removed on close). */
  public Path directory() {
    return dir;
  }

  /** A string literal for SQL text. */
  public static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A quoted identifier for SQL text. */
  public static String identifier(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /**
   * DuckDB's message for a user error, without the echo of the statement that DuckDB appends
   * ("LINE 1: ..."), unless {@code withStatement}: that echo points into SQL the user wrote.
   */
  public static String message(SQLException e, boolean withStatement) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    if (!withStatement) {
      int cut = m.indexOf("\n\nLINE ");
      if (cut < 0) cut = m.indexOf("\nLINE ");
      if (cut >= 0) m = m.substring(0, cut).strip();
    }
    return m;
  }

  /** An {@link InvalidInputException} for {@code where}, carrying DuckDB's reason. */
  public static InvalidInputException userError(String where, SQLException e, boolean withStatement) {
    return new InvalidInputException(where + ": " + message(e, withStatement), e);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close DuckDB: " + e.getMessage(), e);
    } finally {
      deleteTree(dir);
    }
  }

  static void deleteTree(Path d) {
    if (!Files.exists(d)) return;
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + d + ": " + e.getMessage(), e);
    }
  }
}
