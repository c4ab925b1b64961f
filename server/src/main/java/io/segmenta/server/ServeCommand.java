package io.segmenta.server;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code segment serve}: the command line of {@link SegmentServer}. Exit 2 for bad usage or input. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serves the segments of a store's published runs over HTTP (JSON; OpenAPI at /v1/openapi.yaml).",
        "A newly published run (segment kmeans --store DIR) is served within a second; every answer names its run version."})
public final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--store", required = true, paramLabel = "DIR", description = "the feature store whose published runs are served")
  Path store;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServeOptions.DEFAULT_HOST,
      description = "address to listen on (default: ${DEFAULT-VALUE}); one that is not loopback needs --token-file")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE}; 0 = any free port)")
  int port;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "file holding the bearer token (>= 16 characters) every /v1 and /metrics request must send as 'Authorization: Bearer <token>'")
  Path tokenFile;

  @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
      description = "request bodies above this size are refused with 413 (default: ${DEFAULT-VALUE} = 1 MiB)")
  long maxBody;

  @Override
  public Integer call() {
    ServeOptions options;
    try {
      options = new ServeOptions(store, host, port, tokenFile == null ? null : readToken(tokenFile), maxBody, ServeOptions.DEFAULT_POLL_MILLIS);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    SegmentServer server;
    try {
      server = SegmentServer.start(options);
    } catch (InvalidInputException e) { // StoreException included: no published run, a corrupt store
      spec.commandLine().getErr().println("segment serve: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      // Typically the address: in use, or not one of this machine's.
      spec.commandLine().getErr().println("segment serve: cannot listen on " + host + ":" + port + ": " + rootMessage(e));
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "segmenta-serve-stop"));
    spec.commandLine().getErr().printf("segment serve: run %d of %s on http://%s:%d/v1/ (%s; Ctrl-C stops)%n", server.version(), store,
        host.contains(":") ? "[" + host + "]" : host, server.port(), options.token() == null ? "no token, loopback only" : "bearer token required");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private String readToken(Path file) {
    String t;
    try {
      t = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file " + file + " cannot be read: " + e.getMessage());
    }
    if (t.isEmpty()) throw new IllegalArgumentException("--token-file " + file + " is empty");
    if (t.chars().anyMatch(c -> c <= ' ')) throw new IllegalArgumentException("--token-file " + file + ": the token must be one line without spaces");
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.GROUP_READ)) {
        spec.commandLine().getErr().println("segment serve: warning: " + file + " is readable by other users (chmod 600 it)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
    return t;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  public static void main(String[] args) {
    // `segment serve ...` passes its arguments after "serve"; the jar run by hand may omit it.
    String[] a = args.length > 0 && args[0].equals("serve") ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setCommandName("segment serve");
    System.exit(cl.execute(a));
  }
}
