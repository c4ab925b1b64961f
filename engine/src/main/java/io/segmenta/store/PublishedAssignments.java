package io.segmenta.store;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Publishes a run's assignments (customer id to segment and distance) as a new version under
 * {@code <store>/assignments/}. Each version is its own Chronicle Map in its own directory, complete
 * before it is published; {@code CURRENT} names the published version and is replaced by an atomic
 * rename. A reader therefore sees one whole run or the next, never a mix. The two newest versions
 * are kept, so a reader still on the previous one keeps working.
 */
public final class PublishedAssignments {
  private static final Logger LOG = Logger.getLogger(PublishedAssignments.class.getName());
  static final String DIR = "assignments";
  static final String CURRENT = "CURRENT";
  static final String MAP = "assignments.cm";
  static final String META = "run.json";
  private static final int KEEP = 2;
  /** A K-Means run's model, kept in its version directory so that a service predicts with the run it serves. */
  public static final String MODEL_FILE = "model.segm";
  /** A run's segment profiles ({@code ProfileReport.csv}), kept beside its model. */
  public static final String PROFILES_FILE = "profiles.csv";
  /** A run's segment names, sizes and at-risk shares ({@link PreviousRun#writeInsights}). */
  public static final String INSIGHTS_FILE = PreviousRun.INSIGHTS;

  private PublishedAssignments() {}

  /**
   * Writes and publishes a version.
   *
   * @param ids the id of each row, 0-based
   * @param squaredDistances squared distances to the centroid, as the engine returns them
   * @param runJson a JSON description of the run, kept beside the map
   * @return the new version number
   */
  public static long publish(Path store, long rows, LongFunction<String> ids, int[] labels, float[] squaredDistances, String runJson) {
    if (labels.length != rows || squaredDistances.length != rows) {
      throw new InvalidInputException(labels.length + " labels and " + squaredDistances.length + " distances for " + rows + " rows");
    }
    Path root = store.resolve(DIR);
    try {
      Files.createDirectories(root);
      long version = latest(root) + 1;
      Path vdir = root.resolve(name(version));
      Files.createDirectories(vdir);
      long keyBytes = 0;
      for (long r = 0; r < Math.min(rows, 10_000); r++) keyBytes += ids.apply(r).length();
      double avg = Math.max(1, (double) keyBytes / Math.min(rows, 10_000));
      MapBuild build = MapBuild.of(vdir.resolve(MAP), rows, avg);
      try (ChronicleMap<CharSequence, Long> map = ChronicleMap.of(CharSequence.class, Long.class).name("segmenta-assignments")
          .entries(Math.max(rows, 16)).averageKeySize(avg).createPersistedTo(build.file().toFile())) {
        for (int r = 0; r < rows; r++) {
          map.put(ids.apply(r), SegmentAssignment.pack(labels[r], (float) Math.sqrt(Math.max(0f, squaredDistances[r]))));
        }
      } catch (RuntimeException | IOException e) {
        build.abandon();
        throw e;
      }
      build.finish();
      StoreFiles.writeAtomically(vdir.resolve(META), runJson == null ? "{}\n" : runJson);
      // Publish: the version is complete on disk before CURRENT names it.
      StoreFiles.writeAtomically(root.resolve(CURRENT), name(version) + "\n");
      prune(root, version);
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish assignments under " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Carries the published versions of {@code from} into {@code to} (a store being rebuilt elsewhere,
   * to replace it), so that the rebuilt store still knows the previous run. Published files are never
   * modified, so they are hard-linked where the file system allows, copied otherwise.
   */
  public static void carryOver(Path from, Path to) {
    Path src = from.resolve(DIR);
    if (!Files.isDirectory(src)) return;
    Path dst = to.resolve(DIR);
    try (java.util.stream.Stream<Path> walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path q = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          try {
            Files.createLink(q, p);
          } catch (UnsupportedOperationException | IOException e) {
            Files.copy(p, q);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot carry the published assignments of " + from + " over: " + e.getMessage(), e);
    }
  }

  public static Path versionDir(Path store, long version) {
    return store.resolve(DIR).resolve(name(version));
  }

  /** The version the next {@link #publish} will create. */
  public static long nextVersion(Path store) {
    try {
      Path root = store.resolve(DIR);
      return Files.exists(root) ? latest(root) + 1 : 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where a file of the run about to be published goes: {@code name} in the directory of the next
   * version (created), so that it is in place before {@link #publish} makes the version current.
   */
  public static Path staged(Path store, String name) {
    Path dir = versionDir(store, nextVersion(store));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return dir.resolve(name);
  }

  /** The version published in {@code store} now, 0 when none is: services poll it to move to a new run. */
  public static long publishedVersion(Path store) {
    return current(store.resolve(DIR));
  }

  static String name(long version) {
    return String.format("v%06d", version);
  }

  /** The published version, or 0 when none is. */
  static long current(Path root) {
    try {
      Path cur = root.resolve(CURRENT);
      if (!Files.exists(cur)) return 0;
      String s = Files.readString(cur, StandardCharsets.UTF_8).strip();
      return Long.parseLong(s.substring(1));
    } catch (IOException | RuntimeException e) {
      throw new StoreException("the assignments under " + root + " are corrupt: cannot read " + CURRENT + ": " + e.getMessage(), e);
    }
  }

  private static long latest(Path root) throws IOException {
    long max = 0;
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        // A directory holds a version once its map exists; one prepared for the next run has none yet.
        if (n.matches("v\\d{6,}") && Files.exists(p.resolve(MAP))) max = Math.max(max, Long.parseLong(n.substring(1)));
      }
    }
    return max;
  }

  private static void prune(Path root, long newest) {
    try (Stream<Path> s = Files.list(root)) {
      List<Path> old = new ArrayList<>();
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.matches("v\\d{6,}") && Long.parseLong(n.substring(1)) <= newest - KEEP) old.add(p);
      }
      for (Path p : old) {
        // A reader that still maps it keeps its pages: on POSIX an unlinked file lives until unmapped.
        try (Stream<Path> files = Files.list(p)) {
          for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warning("could not remove old assignment versions under " + root + ": " + e.getMessage());
    }
  }

  /** A run description for {@link #publish}: when and what. */
  public static String runJson(String algorithm, int k, long n, double inertia, String backend) {
    return "{\n  \"algorithm\": " + StoreHeader.quote(algorithm) + ",\n  \"k\": " + k + ",\n  \"n\": " + n + ",\n  \"inertia\": "
        + inertia + ",\n  \"backend\": " + StoreHeader.quote(backend) + ",\n  \"published\": " + StoreHeader.quote(Instant.now().toString())
        + "\n}\n";
  }
}
