package waymark.engines;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Map;

/** What the OpenSearch and Elasticsearch launchers share: one forked code base, two packages. */
public final class SearchNodes {
  private SearchNodes() {}

  public static final String NAME = "waymark-test";

  /** Node settings of a one-node test cluster on loopback, data and logs under {@code home}. */
  public static Map<String, String> settings(Path home, int httpPort, int transportPort) {
    return Map.of(
        "path.home", home.toString(),
        "path.data", home.resolve("data").toString(),
        "path.logs", home.resolve("logs").toString(),
        "cluster.name", NAME,
        "node.name", NAME,
        "discovery.type", "single-node",
        "network.host", "127.0.0.1",
        "http.port", Integer.toString(httpPort),
        "transport.port", Integer.toString(transportPort),
        // A developer's disk is often more than 90% full; the default watermarks would then make
        // every index read-only and the tests fail for a reason that has nothing to do with them.
        "cluster.routing.allocation.disk.threshold_enabled", "false");
  }

  /** Closes the node when the JVM is told to stop (SIGTERM). */
  public static void closeOnShutdown(Closeable node) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("closing the node failed: " + e);
      }
    }, "node-close"));
  }

  /**
   * Prints the ready line and keeps the JVM alive: the node's threads are daemons. The JVM ends
   * on a signal (the shutdown hook closes the node) or through ParentWatch.
   */
  public static void announceAndWait(String readyLine) throws InterruptedException {
    System.out.println(readyLine);
    Thread.currentThread().join();
  }
}
