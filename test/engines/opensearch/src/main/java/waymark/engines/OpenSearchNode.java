package waymark.engines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One real OpenSearch node in this JVM, for tests: single-node discovery, loopback only, no
 * security plugin, data under {@code --home}. The modules a distribution loads from its modules/
 * folder (netty4, analysis-common, painless) are given as classpath plugins instead.
 *
 * <p>Usage: {@code OpenSearchNode --home DIR --http-port N --transport-port N}. Prints
 * {@code opensearch ready http://127.0.0.1:N} on stdout once the node has started.
 */
public final class OpenSearchNode {
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
    Node node = new ClasspathNode(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class));
    SearchNodes.closeOnShutdown(node);
    node.start();
    SearchNodes.announceAndWait("opensearch ready http://127.0.0.1:" + httpPort);
  }
}
