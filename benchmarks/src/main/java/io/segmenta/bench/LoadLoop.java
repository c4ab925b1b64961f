package io.segmenta.bench;

import io.segmenta.bench.ServeLoad.Call;
import io.segmenta.bench.ServeLoad.Phase;
import io.segmenta.bench.ServeLoad.Request;
import io.segmenta.bench.ServeLoad.Tally;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The load generator's connections driven by one event loop, as wrk and wrk2 are built: {@code connections}
 * keep-alive HTTP/1.1 connections, non-blocking {@link SocketChannel}s on one {@link Selector}, each
 * answer parsed incrementally ({@link Http1ResponseParser}) and checked; at a fixed rate one more thread,
 * the ticker, sends requests when they fall due (below).
 *
 * <p>At a fixed rate (open loop), request i is due at t0 + i / rate and goes out on whichever connection
 * is free (a pool, as a service's HTTP client keeps); due requests wait in due order while none is.
 * Latency counts from the due time, so a server that falls behind shows its queue (no coordinated
 * omission). At the maximum (closed loop), each connection sends its next request as soon as its answer
 * came, and latency counts from the send.
 *
 * <p>Why not {@link java.net.http.HttpClient}: on this 2-core machine its per-request cost (a selector
 * thread, futures, header maps, a copy per body) capped the checked load at about 2,300 requests/s, so the
 * generator, not the server, was measured. Why not a blocking connection per thread (the generator before
 * this one): at a fixed rate each connection's thread parked until its request was due, 8 to 32 runnable
 * threads beside the server's on two cores, and request i waited for connection i mod N even when another
 * was free.
 *
 * <p>Why a second thread, the ticker: {@link Selector#select(long)} waits in whole milliseconds, and at
 * 5,000/s a request is due every 200 us. The ticker parks until each due time, then sends what is due on
 * free connections itself while the loop waits in select (a lock keeps the two apart), or, when the loop
 * is busy, wakes the selector so that the loop sends it. Waking the loop for every send instead cost one
 * more thread wake-up per request: the generator's CPU per request at 5,000/s was 65 to 77 us that way,
 * 53 to 68 us this way (3 runs each, shared machine). Reads, parsing and checks are the loop's alone.
 */
final class LoadLoop implements AutoCloseable {
  /** An answer that takes longer fails, as the blocking client's read timeout made it fail. */
  static final long TIMEOUT_NANOS = 10_000_000_000L;
  /** A connection that could not be opened is tried again after this long, not in a busy loop. */
  private static final long RECONNECT_PAUSE_NANOS = 100_000_000L;

  private final InetSocketAddress server;
  private final Selector selector;
  private final Tally tally;
  private final List<Conn> conns = new ArrayList<>();
  /** Connections with nothing in flight; the one freed last on top, as pooling HTTP clients reuse the warmest first. */
  private final ArrayDeque<Conn> free = new ArrayDeque<>();
  /** Answers timed but not yet checked: checked after the due requests went out, so a check delays no send and no timestamp. */
  private List<Answer> unchecked = new ArrayList<>();
  /**
   * At a fixed rate, held by the loop except while it checks answers and waits in select, and by the ticker while it sends: the
   * connections' state, the pool and the counts below are only touched under it.
   */
  private final ReentrantLock lock = new ReentrantLock();
  private Thread loopThread;
  /** The next request of the fixed-rate schedule to send. */
  private long next;
  private long inFlight;
  private long finished;
  private long nextHousekeeping;

  private record Answer(Http1ResponseParser.Response response, Call call) {}

  private static final class Conn {
    final Http1ResponseParser parser = new Http1ResponseParser();
    SocketChannel channel;
    SelectionKey key;
    /** The part of the request not written yet, or null. */
    ByteBuffer out;
    /** The request in flight, or null. */
    Call call;
    /** Its due time (open loop) or send time (closed loop), and when it went out. */
    long start, sentAt;
    /** When a connection that failed to open is opened again; 0 while it is open or opening. */
    long reopenAt;
  }

  private LoadLoop(InetSocketAddress server, int connections, Tally tally) throws IOException {
    this.server = server;
    this.tally = tally;
    this.selector = Selector.open();
    for (int i = 0; i < connections; i++) conns.add(new Conn());
  }

  /**
   * {@code rate} requests a second for {@code seconds} over {@code connections} pooled connections (see the class comment), with
   * {@code publishMidway} run in the middle.
   */
  static Phase atRate(String name, InetSocketAddress server, Request make, double rate, int connections, int seconds, Runnable publishMidway)
      throws Exception {
    long count = (long) (rate * seconds);
    Tally tally = new Tally((int) count);
    Thread publisher = ServeLoad.midway(publishMidway, seconds);
    double elapsed;
    try (LoadLoop loop = new LoadLoop(server, connections, tally)) {
      loop.openAll();
      long t0 = System.nanoTime() + 20_000_000L; // every connection is open before the first request is due
      double period = 1e9 / rate;
      loop.runAtRate(make, t0, period, count);
      elapsed = (System.nanoTime() - t0) / 1e9;
    }
    publisher.join();
    return tally.phase(name, rate, elapsed);
  }

  /** {@code connections} connections, each sending its next request when its answer came, for {@code seconds} (at most 5M requests). */
  static Phase atMaximum(String name, InetSocketAddress server, Request make, int connections, int seconds, Runnable publishMidway)
      throws Exception {
    Tally tally = new Tally(5_000_000);
    Thread publisher = ServeLoad.midway(publishMidway, seconds);
    double elapsed;
    try (LoadLoop loop = new LoadLoop(server, connections, tally)) {
      loop.openAll();
      long t0 = System.nanoTime();
      loop.runAtMaximum(make, t0 + seconds * 1_000_000_000L, 5_000_000);
      elapsed = (System.nanoTime() - t0) / 1e9;
    }
    publisher.join();
    return tally.phase(name, 0, elapsed);
  }

  private void runAtRate(Request make, long t0, double period, long count) throws IOException {
    loopThread = Thread.currentThread();
    lock.lock();
    Thread ticker = Thread.ofPlatform().daemon().name("load-ticker").start(() -> {
      for (long i = 0; i < count && !Thread.currentThread().isInterrupted(); ) {
        long due = t0 + (long) (i * period);
        for (long w; (w = due - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted(); ) LockSupport.parkNanos(w);
        long now = System.nanoTime();
        if (lock.tryLock()) {
          // The loop waits in select or checks answers: this thread sends what is due, sparing the loop a wake-up.
          try {
            sendDue(make, t0, period, count, now);
          } finally {
            lock.unlock();
          }
        } else {
          // The loop is busy with events: it sends what is due before it selects again, and this makes that select return.
          selector.wakeup();
        }
        // The next due time after now (more than one when this thread was late).
        i = Math.max(i + 1, (long) Math.ceil((now - t0) / period));
      }
    });
    try {
      while (finished < count) {
        long now = System.nanoTime();
        sendDue(make, t0, period, count, now);
        // With no connection to send on for the whole timeout, a due request fails as a blocking client's would.
        for (long due; next < count && now - (due = t0 + (long) (next * period)) > TIMEOUT_NANOS; next++) {
          tally.timed(due, now);
          tally.error("no connection free for " + TIMEOUT_NANOS / 1_000_000_000L + " s");
          finished++;
        }
        housekeeping(now);
        List<Answer> answers = takeUnchecked();
        lock.unlock();
        try {
          check(answers);
          // The timeout only bounds the wait for housekeeping; due requests are the ticker's.
          selector.select(100);
        } finally {
          lock.lock();
        }
        events();
      }
    } finally {
      lock.unlock();
      ticker.interrupt();
      LockSupport.unpark(ticker);
      try {
        ticker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    check(takeUnchecked());
  }

  /** Sends the requests due by {@code now} on free connections, in due order; the rest wait for a connection (under the lock). */
  private void sendDue(Request make, long t0, double period, long count, long now) {
    for (long due; next < count && !free.isEmpty() && (due = t0 + (long) (next * period)) <= now; next++) {
      send(free.pop(), make.make(next), due, now);
    }
  }

  private void runAtMaximum(Request make, long end, long max) throws IOException {
    loopThread = Thread.currentThread();
    long issued = 0;
    while (true) {
      long now = System.nanoTime();
      boolean more = now < end && issued < max;
      while (more && !free.isEmpty()) send(free.pop(), make.make(issued++), now, now);
      check(takeUnchecked());
      if (!more && inFlight == 0) break;
      housekeeping(now);
      // Waits for I/O only: a free connection is given its request at once.
      selector.select(100);
      events();
    }
  }

  /** Opens every connection before the phase starts (5 s at most; one that fails is counted and tried again later). */
  private void openAll() throws IOException {
    for (Conn c : conns) open(c);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (free.size() < conns.size() && System.nanoTime() < deadline) {
      selector.select(100);
      events();
      if (conns.stream().allMatch(c -> c.reopenAt != 0 || free.contains(c))) break;
    }
  }

  private void events() {
    for (SelectionKey k : selector.selectedKeys()) {
      Conn c = (Conn) k.attachment();
      if (!k.isValid() || c.key != k) continue;
      try {
        if (k.isConnectable()) {
          if (c.channel.finishConnect()) {
            k.interestOps(SelectionKey.OP_READ);
            free.push(c);
          }
          continue;
        }
        if (k.isWritable()) flush(c);
        if (k.isReadable()) read(c);
      } catch (IOException e) {
        broken(c, e.toString());
      }
    }
    selector.selectedKeys().clear();
  }

  private void send(Conn c, Call call, long start, long now) {
    c.call = call;
    c.start = start;
    c.sentAt = now;
    c.out = ByteBuffer.wrap(call.request());
    inFlight++;
    try {
      flush(c);
    } catch (IOException e) {
      broken(c, e.toString());
    }
  }

  private void flush(Conn c) throws IOException {
    if (c.out == null) return;
    c.channel.write(c.out);
    if (c.out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      wakeLoop();
    } else {
      c.out = null;
      if ((c.key.interestOps() & SelectionKey.OP_WRITE) != 0) c.key.interestOps(SelectionKey.OP_READ);
    }
  }

  /** One read (the selector is level-triggered: what is left is seen on the next select), then every whole response in it. */
  private void read(Conn c) throws IOException {
    int n = c.parser.readFrom(c.channel);
    if (n < 0) {
      if (c.call != null) throw new java.io.EOFException("the server closed the connection");
      reopen(c); // an idle keep-alive connection the server let go: not an error
      return;
    }
    for (Http1ResponseParser.Response r; (r = c.parser.next()) != null; ) {
      long now = System.nanoTime();
      if (c.call == null) {
        tally.error("a response to no request (status " + r.status() + ")");
        reopen(c);
        return;
      }
      tally.timed(c.start, now);
      unchecked.add(new Answer(r, c.call));
      c.call = null;
      inFlight--;
      finished++;
      if (r.close()) {
        // The answer is whole; only this connection ends.
        reopen(c);
        return;
      }
      free.push(c);
    }
  }

  private List<Answer> takeUnchecked() {
    if (unchecked.isEmpty()) return List.of();
    List<Answer> a = unchecked;
    unchecked = new ArrayList<>();
    return a;
  }

  private void check(List<Answer> answers) {
    for (Answer a : answers) tally.check(a.response().status(), a.response().body(), a.call().check());
  }

  /** The connection failed: its request in flight (if any) is an error; the connection is replaced. */
  private void broken(Conn c, String why) {
    if (c.call != null) {
      tally.timed(c.start, System.nanoTime());
      tally.error(why);
      c.call = null;
      inFlight--;
      finished++;
    } else if (c.reopenAt == 0 && !free.contains(c) && c.key != null && (c.key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
      // It failed to open: counted, and tried again after a pause.
      tally.error("connect: " + why);
      closeChannel(c);
      c.reopenAt = System.nanoTime() + RECONNECT_PAUSE_NANOS;
      return;
    }
    reopen(c);
  }

  private void reopen(Conn c) {
    free.remove(c);
    closeChannel(c);
    open(c);
  }

  private void open(Conn c) {
    c.reopenAt = 0;
    c.parser.reset();
    c.out = null;
    try {
      SocketChannel ch = SocketChannel.open();
      c.channel = ch;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (ch.connect(server)) {
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        free.push(c);
      } else {
        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
      }
      wakeLoop();
    } catch (IOException e) {
      tally.error("connect: " + e);
      closeChannel(c);
      c.reopenAt = System.nanoTime() + RECONNECT_PAUSE_NANOS;
    }
  }

  /** Every 10 ms: requests unanswered for the timeout fail; connections that failed to open are tried again. */
  private void housekeeping(long now) {
    if (now < nextHousekeeping) return;
    nextHousekeeping = now + 10_000_000L;
    for (Conn c : conns) {
      if (c.call != null && now - c.sentAt > TIMEOUT_NANOS) broken(c, "no answer within " + TIMEOUT_NANOS / 1_000_000_000L + " s");
      else if (c.reopenAt != 0 && now >= c.reopenAt) open(c);
    }
  }

  /** A key registered or changed by the ticker takes effect at the loop's next select: make that one now. */
  private void wakeLoop() {
    if (loopThread != null && Thread.currentThread() != loopThread) selector.wakeup();
  }

  private static void closeChannel(Conn c) {
    if (c.key != null) c.key.cancel();
    c.key = null;
    if (c.channel == null) return;
    try {
      c.channel.close();
    } catch (IOException e) {
      // already broken
    }
    c.channel = null;
  }

  /** A GET with the given path, encoded once. */
  static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A POST of a JSON body, encoded once. */
  static byte[] postJson(String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  @Override
  public void close() throws IOException {
    for (Conn c : conns) closeChannel(c);
    selector.close();
  }
}
