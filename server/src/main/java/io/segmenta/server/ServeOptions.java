package io.segmenta.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * What {@code segment serve} serves and how.
 *
 * @param store the feature store whose published runs are served
 * @param host the address to listen on; default {@code 127.0.0.1}. Any address that is not loopback
 *     needs a token
 * @param port the port; default 8080, 0 for any free port
 * @param token the bearer token every {@code /v1} and {@code /metrics} request must carry, or null
 *     for none (loopback only)
 * @param maxBodyBytes request bodies larger than this are refused with 413; default 1 MiB
 * @param pollMillis how often the store is checked for a newly published run; default 200 ms
 */
public record ServeOptions(Path store, String host, int port, String token, long maxBodyBytes, long pollMillis) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY = 1L << 20;
  public static final long DEFAULT_POLL_MILLIS = 200;
  /** Shorter tokens are refused: a bearer token is the only thing between the network and the data. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public ServeOptions {
    if (store == null) throw new IllegalArgumentException("--store is required");
    if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be from 0 to 65535, got " + port);
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("the token must have at least " + MIN_TOKEN_LENGTH + " characters, got " + token.length());
    }
    if (maxBodyBytes < 1) throw new IllegalArgumentException("the body limit must be >= 1 byte, got " + maxBodyBytes);
    if (pollMillis < 1) throw new IllegalArgumentException("the poll interval must be >= 1 ms, got " + pollMillis);
    if (token == null && !isLoopback(host)) {
      throw new IllegalArgumentException("--host " + host + " is not a loopback address: serving beyond this machine needs --token-file "
          + "(every request must then carry 'Authorization: Bearer <token>')");
    }
  }

  /** Loopback only, on the default port, no token. */
  public static ServeOptions loopback(Path store, int port) {
    return new ServeOptions(store, DEFAULT_HOST, port, null, DEFAULT_MAX_BODY, DEFAULT_POLL_MILLIS);
  }

  public ServeOptions withToken(String t) {
    return new ServeOptions(store, host, port, t, maxBodyBytes, pollMillis);
  }

  public ServeOptions withHost(String h) {
    return new ServeOptions(store, h, port, token, maxBodyBytes, pollMillis);
  }

  public ServeOptions withMaxBodyBytes(long b) {
    return new ServeOptions(store, host, port, token, b, pollMillis);
  }

  public ServeOptions withPollMillis(long ms) {
    return new ServeOptions(store, host, port, token, maxBodyBytes, ms);
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host " + host + " is not a known host name or address");
    }
  }

  @Override
  public String toString() {
    // Never print the token.
    return "ServeOptions[store=" + store + ", host=" + host + ", port=" + port + ", token=" + (token == null ? "none" : "set")
        + ", maxBodyBytes=" + maxBodyBytes + ", pollMillis=" + pollMillis + "]";
  }
}
