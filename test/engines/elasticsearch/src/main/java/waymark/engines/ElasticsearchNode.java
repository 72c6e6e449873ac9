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
 * One real Elasticsearch 7.17 node in this JVM, for tests: single-node discovery, loopback
 * only, data under {@code --home}. Its HTTP and transport module (netty4) is given as a classpath
 * plugin; Maven Central has no other 7.17 module.
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
        .loadFromMap(SearchNodes.settings(home, httpPort, args.port("transport-port")))
        .build();
    Environment environment = InternalSettingsPreparer.prepareEnvironment(
        settings, Map.of(), home.resolve("config"), () -> SearchNodes.NAME);
    Node node = new ClasspathNode(environment, List.of(Netty4Plugin.class));
    SearchNodes.closeOnShutdown(node);
    node.start();
    SearchNodes.announceAndWait("elasticsearch ready http://127.0.0.1:" + httpPort);
  }
}
