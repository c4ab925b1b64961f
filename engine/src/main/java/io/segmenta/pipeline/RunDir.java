package io.segmenta.pipeline;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run's output directory, written as a whole: every file goes into a staging directory beside it
 * ({@code .NAME.partial-*}), which replaces the directory only when the run has finished. A run
 * killed midway leaves the previous outputs as they were (and a staging directory that the next run
 * removes). A directory that holds files a Segmenta run did not write is never written into
 * without {@code --force}: each run marks its directory with {@value #MARKER}.
 */
public final class RunDir implements AutoCloseable {
  public static final String MARKER = ".segmenta-run";
  /** Test hook: milliseconds to wait, after printing "staged", before the outputs are swapped in. */
  public static final String PAUSE_PROPERTY = "segmenta.test.pauseBeforeCommitMillis";

  private final Path target;
  private final Path staging;
  private boolean committed;

  private RunDir(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  public static RunDir open(Path target, boolean force) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    try {
      if (Files.exists(abs)) {
        if (!Files.isDirectory(abs)) throw new InvalidInputException("--out " + target + " is a file, not a directory");
        if (!force && !Files.exists(abs.resolve(MARKER)) && !isEmpty(abs)) {
          throw new InvalidInputException("--out " + target + " already holds files that no Segmenta run wrote; choose an empty or new "
              + "directory, or add --force to replace its contents");
        }
      }
      Files.createDirectories(parent);
      // Leftovers of runs that were killed before they finished.
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "." + abs.getFileName() + ".partial-*")) {
        for (Path p : ds) deleteTree(p);
      }
      Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".partial-");
      io.segmenta.store.FileAccess.restrictDir(staging); // assignments name customers
      Files.writeString(staging.resolve(MARKER), "written by segment; the directory is replaced as a whole by each run\n");
      return new RunDir(abs, staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare output directory " + target + ": " + e.getMessage(), e);
    }
  }

  /** The directory the outputs replace once the run has finished. */
  public Path target() {
    return target;
  }

  /** Where a file under the staging directory will be once the run has finished. */
  public Path shown(Path p) {
    return p.startsWith(staging) ? target.resolve(staging.relativize(p)) : p;
  }

  /** Where the run writes. */
  public Path path() {
    return staging;
  }

  /** Puts the finished outputs in place of the previous ones. */
  public void commit() {
    String pause = System.getProperty(PAUSE_PROPERTY);
    if (pause != null) {
      // Test hook: say the outputs are staged and wait, so that a test can kill the run at the worst moment.
      System.out.println("staged " + staging);
      System.out.flush();
      try {
        Thread.sleep(Long.parseLong(pause));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Path old = null;
      if (Files.exists(target)) {
        old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".previous-");
        Files.delete(old);
        move(target, old);
      }
      move(staging, target);
      committed = true;
      if (old != null) deleteTree(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the outputs into " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (committed) return;
    try {
      deleteTree(staging);
    } catch (IOException e) {
      // best effort: the next run removes staging leftovers
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
    }
  }
}
