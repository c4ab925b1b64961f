package io.segmenta.cli;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.BackendUnavailableException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code segment} command line tool.
 *
 * <p>Exit codes: 0 success; 2 bad usage or bad input (the message names the parameter, file, line
 * or column; an I/O error reading a file the user named is also 2); 3 the requested backend cannot run here; 4 a looked-up id is not in the run; 1 an unexpected failure; 130 cancelled
 * (Ctrl-C).
 */
@Command(name = "segment", mixinStandardHelpOptions = true, versionProvider = SegmentCli.Version.class,
    description = "Segments customers: K-Means on the CPU (Vector API) or, where present, a GPU.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:success",
        " 1:unexpected failure (a bug: please report it with the stack trace)",
        " 2:bad usage or bad input; the message names the parameter, file, line or column",
        " 3:the requested backend cannot run on this machine",
        " 4:lookup: a customer id is not in the published run",
        "130:cancelled (Ctrl-C)"})
public final class SegmentCli {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_BACKEND = 3;
  public static final int EXIT_NOT_FOUND = 4;
  public static final int EXIT_CANCELLED = 130;
  /** Held so that the level set on it is not lost to garbage collection. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("net.openhft");

  public static void main(String[] args) {
    io.segmenta.pipeline.Phases.markMain();
    // One line per log record ("INFO: auto: passed over cuda: ..."), not java.util.logging's two.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    // Chronicle Map announces itself at INFO on every start; only its warnings matter to a CLI user.
    QUIET.setLevel(java.util.logging.Level.WARNING);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** The subcommands, in the order {@code segment --help} lists them. */
  static final List<Class<?>> SUBCOMMANDS = List.of(KMeansCommand.class, GmmCommand.class, DbscanCommand.class, HierarchicalCommand.class,
      EvaluateCommand.class, ElbowCommand.class, PredictCommand.class, IngestCommand.class, RfmCommand.class, GenerateCommand.class,
      LookupCommand.class, RecommendCommand.class, CommandLine.HelpCommand.class);

  /** Runs the tool in-process and returns its exit code (what {@link #main} exits with). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(out, err, args).execute(args);
  }

  /** The whole command tree (help, docs, tests). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, new String[0]);
  }

  /**
   * The command tree {@code argv} needs: when its first word names a subcommand, only that one. Picocli builds each
   * command's model by reflection over its options: the whole tree took 150-200 ms of a fresh JVM's start, the tree with
   * kmeans alone 105-135 ms (benchmarks/RESULTS.md). Anything else ({@code --help}, a typo that gets suggestions) gets
   * them all.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] argv) {
    CommandLine cmd = new CommandLine(new SegmentCli());
    Class<?> only = argv.length == 0 ? null : SUBCOMMANDS.stream()
        .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(argv[0])).findFirst().orElse(null);
    for (Class<?> c : SUBCOMMANDS) if (only == null || c == only) cmd.addSubcommand(c);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("segment: " + ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
        c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      }
      return EXIT_USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
      Throwable t = ex;
      if (t instanceof CommandLine.ParameterException pe) {
        c.getErr().println("segment: " + pe.getMessage());
        return EXIT_USAGE;
      }
      if (t instanceof InvalidInputException) {
        c.getErr().println("segment: " + t.getMessage());
        return EXIT_USAGE;
      }
      if (t instanceof BackendUnavailableException) {
        c.getErr().println("segment: " + t.getMessage());
        return EXIT_BACKEND;
      }
      if (t instanceof io.segmenta.kernels.ResourceLimitException) {
        c.getErr().println("segment: " + t.getMessage());
        return EXIT_USAGE;
      }
      if (t instanceof io.segmenta.kernels.GpuKernelException) {
        c.getErr().println("segment: " + t.getMessage() + "; no outputs were written (add --cpu-fallback to finish such a run on the CPU)");
        return EXIT_BACKEND;
      }
      if (t instanceof java.io.UncheckedIOException u) {
        // Its own message, where the code that wrapped it named the file; else the I/O error's.
        String m = u.getMessage();
        boolean own = m != null && u.getCause() != null && !m.equals(u.getCause().toString());
        c.getErr().println("segment: " + (own ? m : describe(u.getCause())));
        return EXIT_USAGE;
      }
      if (t instanceof java.io.IOException io) {
        // A file the user named cannot be read (or an output cannot be written): their problem to fix, not a bug.
        c.getErr().println("segment: " + describe(io));
        return EXIT_USAGE;
      }
      if (t instanceof CancellationException) {
        c.getErr().println("segment: cancelled");
        return EXIT_CANCELLED;
      }
      c.getErr().println("segment: unexpected failure: " + t);
      t.printStackTrace(c.getErr());
      return EXIT_FAILURE;
    });
    return cmd;
  }

  /** An I/O error in words that name the file: no stack trace, no exception class for the common cases. */
  static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException f) return "no such file or directory: " + f.getFile();
    if (e instanceof java.nio.file.AccessDeniedException f) return "permission denied: " + f.getFile();
    if (e instanceof java.nio.file.NotDirectoryException f) return "not a directory: " + f.getFile();
    if (e instanceof java.nio.file.FileSystemException f) {
      return "cannot read or write " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
    }
    String m = e.getMessage();
    return "I/O error: " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      String v = SegmentCli.class.getPackage().getImplementationVersion();
      return new String[] {"segment " + (v == null ? "(development build)" : v),
          "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
