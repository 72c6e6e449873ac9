package waymark.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * One real Kafka node for tests: KRaft, broker and controller in one process, loopback only,
 * data under {@code --home}. Writes its server.properties, formats the log directory (what
 * {@code kafka-storage.sh format} does) and runs {@code kafka.Kafka}, all in this JVM.
 *
 * <p>Usage: {@code KafkaBroker --home DIR --broker-port N --controller-port N}. Prints
 * {@code kafka ready 127.0.0.1:N} on stdout once the broker answers an admin client.
 */
public final class KafkaBroker {
  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Path home = Path.of(args.get("home")).toAbsolutePath();
    int brokerPort = args.port("broker-port");
    int controllerPort = args.port("controller-port");
    ParentWatch.start(home);

    Path properties = writeProperties(home, brokerPort, controllerPort);
    int formatted = kafka.tools.StorageTool.execute(
        new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()}, System.err);
    if (formatted != 0) {
      System.err.println("formatting " + home + " failed with " + formatted);
      System.exit(formatted);
    }
    String bootstrap = "127.0.0.1:" + brokerPort;
    Thread ready = new Thread(() -> announceWhenReady(bootstrap), "ready-check");
    ready.setDaemon(true);
    ready.start();
    // Blocks until shutdown; Kafka installs its own shutdown hook for SIGTERM.
    kafka.Kafka.main(new String[] {properties.toString()});
  }

  private static Path writeProperties(Path home, int brokerPort, int controllerPort) throws IOException {
    Files.createDirectories(home);
    String text = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + home.resolve("data"),
        // One node: every internal topic must make do with one replica, and one partition
        // instead of 50 spares a busy machine many seconds before the first consumer group forms.
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // A test's consumer group should not wait 3 s for more members that never come.
        "group.initial.rebalance.delay.ms=0",
        "num.partitions=1",
        "");
    Path file = home.resolve("server.properties");
    Files.writeString(file, text);
    return file;
  }

  /** Polls until the broker serves cluster metadata, then prints the ready line. */
  private static void announceWhenReady(String bootstrap) {
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    while (true) {
      try (Admin admin = Admin.create(config)) {
        if (!admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty()) {
          System.out.println("kafka ready " + bootstrap);
          return;
        }
      } catch (Exception e) {
        // Not up yet: the broker's own log says why if it never comes up.
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
