package waymark.engines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.Netty4Plugin;

/**
 * One real Elasticsearch 7.17 node in this JVM, for tests: single-node discovery, loopback only, no
 * security plugin, data under {@code --home}. The modules a distribution loads from its modules/
 * folder are given as classpath plugins instead.
 *
 * <p>Usage: {@code ElasticsearchNode --home DIR --http-port N --transport-port N}. Prints
 * {@code elasticsearch ready http://127.0.0.1:N} on stdout once the node has started.
 */
public final class ElasticsearchNode {
  /** Node's plugin constructor is protected; this subclass is the supported way to reach it. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path home = Path.of(args.get("home")).toAbsolutePath();
    int httpPort = args.port("http-port");
    ParentWatch.start(home);

    Settings settings = Settings.builder()
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("cluster.name", "waymark-test")
        .put("node.name", "waymark-test")
        .put("discovery.type", "single-node")
        .put("network.host", "127.0.0.1")
        .put("http.port", httpPort)
        .put("transport.port", args.port("transport-port"))
        // A developer's disk is often more than 90% full; the default watermarks would then make
        // every index read-only and the tests fail for a reason that has nothing to do with them.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .build();
    Environment environment = InternalSettingsPreparer.prepareEnvironment(
        settings, Map.of(), home.resolve("config"), () -> "waymark-test");
    Node node = new ClasspathNode(environment,
        List.of(Netty4Plugin.class));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        System.err.println("closing the node failed: " + e);
      }
    }, "elasticsearch-close"));
    node.start();
    System.out.println("elasticsearch ready http://127.0.0.1:" + httpPort);
    // The node's threads are daemons: without this the JVM would end here. Exit comes from a
    // signal (the shutdown hook closes the node) or from ParentWatch.
    Thread.currentThread().join();
  }
}
