package clipstream.it.cluster;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A 3-node Kafka cluster (KRaft, every node broker and controller), each node its own JVM: storage formatted with
 * {@code kafka.tools.StorageTool format}, then {@code kafka.Kafka server-N.properties}. Every listener is on
 * 127.0.0.1 on ports picked free first; topics and the internal topics (transactions, offsets) have 3 replicas
 * and {@code min.insync.replicas=2}, so one node may die without losing or blocking anything.
 */
final class KafkaProcessCluster {
    static final int NODES = 3;
    static final short REPLICATION = 3;
    static final String MIN_IN_SYNC = "2";
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> HEAP = List.of("-Xms64m", "-Xmx256m", "-XX:+UseG1GC");

    private final ChildJvms jvms;
    private final Map<Integer, JvmProcess> brokers = new LinkedHashMap<>();
    private final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
    private final List<Integer> controllerPorts;

    private KafkaProcessCluster(ChildJvms jvms, List<Integer> brokerPorts, List<Integer> controllerPorts) {
        this.jvms = jvms;
        for (int node = 1; node <= NODES; node++) {
            this.brokerPorts.put(node, brokerPorts.get(node - 1));
        }
        this.controllerPorts = controllerPorts;
    }

    /** Formats and starts the nodes; returns at once (see {@link #awaitReady}). */
    static KafkaProcessCluster start(ChildJvms jvms, String classpath, Path dir) throws Exception {
        List<Integer> ports = FreePorts.pick(2 * NODES);
        KafkaProcessCluster cluster = new KafkaProcessCluster(jvms, ports.subList(0, NODES), ports.subList(NODES, 2 * NODES));
        List<String> jvmArgs = new ArrayList<>(HEAP);
        jvmArgs.addAll(ProcessLogging.jvmFlags(dir));
        List<String> formatArgs = new ArrayList<>(ChildJvms.SHORT_LIVED);
        formatArgs.addAll(ProcessLogging.jvmFlags(dir));
        String clusterId = Uuid.randomUuid().toString();
        List<JvmProcess> formats = new ArrayList<>();
        List<Path> configs = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            Path config = cluster.writeServerProperties(dir, node);
            configs.add(config);
            formats.add(jvms.start("kafka-format-" + node, classpath, formatArgs, "kafka.tools.StorageTool",
                    List.of("format", "-t", clusterId, "-c", config.toString()), Map.of()));
        }
        for (JvmProcess format : formats) {
            var exit = format.awaitExit(FORMAT_TIMEOUT);
            if (exit.isEmpty() || exit.getAsLong() != 0) {
                throw new IllegalStateException(format.name() + " failed\n" + format.logTail(40));
            }
        }
        for (int node = 1; node <= NODES; node++) {
            cluster.brokers.put(node, jvms.start("kafka-" + node, classpath, jvmArgs, "kafka.Kafka",
                    List.of(configs.get(node - 1).toString()), Map.of()));
        }
        return cluster;
    }

    private Path writeServerProperties(Path dir, int node) throws IOException {
        String voters = java.util.stream.IntStream.rangeClosed(1, NODES)
                .mapToObj(n -> n + "@" + FreePorts.LOOPBACK + ":" + controllerPorts.get(n - 1))
                .collect(Collectors.joining(","));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPorts.get(node) + ",CONTROLLER://"
                + FreePorts.LOOPBACK + ":" + controllerPorts.get(node - 1));
        p.put("advertised.listeners", "PLAINTEXT://" + FreePorts.LOOPBACK + ":" + brokerPorts.get(node));
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", Files.createDirectories(dir.resolve("kafka-" + node + "-data")).toString());
        // one node may die: 3 replicas, 2 in sync required, for data and for the internal topics alike
        p.put("default.replication.factor", Short.toString(REPLICATION));
        p.put("min.insync.replicas", MIN_IN_SYNC);
        p.put("offsets.topic.replication.factor", Short.toString(REPLICATION));
        p.put("transaction.state.log.replication.factor", Short.toString(REPLICATION));
        p.put("transaction.state.log.min.isr", MIN_IN_SYNC);
        p.put("share.coordinator.state.topic.replication.factor", Short.toString(REPLICATION));
        p.put("share.coordinator.state.topic.min.isr", MIN_IN_SYNC);
        p.put("unclean.leader.election.enable", "false");
        p.put("auto.create.topics.enable", "false");
        // few partitions for the internal topics and few threads: 3 brokers share 2 cores with Flink
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.replica.fetchers", "1");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        // a dead node is fenced and loses its leaderships a few seconds after its last heartbeat
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("broker.session.timeout.ms", "6000");
        Path file = dir.resolve("server-" + node + ".properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "clipstream real-cluster test, node " + node);
        }
        return file;
    }

    String bootstrap() {
        return brokerPorts.values().stream().map(port -> FreePorts.LOOPBACK + ":" + port)
                .collect(Collectors.joining(","));
    }

    Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "clipstream-cluster-test");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(properties);
    }

    JvmProcess broker(int node) {
        return brokers.get(node);
    }

    /** Every port the nodes listen on. */
    List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(brokerPorts.values());
        ports.addAll(controllerPorts);
        return ports;
    }

    /** Fails fast when a node that should run has died, with its log. */
    void checkAlive(Set<Integer> killed) {
        brokers.forEach((node, process) -> {
            if (!killed.contains(node) && !process.isAlive()) {
                throw new AssertionError("Kafka node " + node + " died\n" + process.logTail(60));
            }
        });
    }

    /** Whether every node answers as an unfenced broker. */
    boolean allBrokersUp(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == NODES;
    }

    void createTopics(Admin admin, Map<String, Integer> partitionsByTopic) throws Exception {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), REPLICATION)
                        .configs(Map.of("min.insync.replicas", MIN_IN_SYNC)))
                .toList();
        admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    /** The leader of each partition of {@code topics} (-1: none). */
    static Map<String, Integer> leaders(Admin admin, Collection<String> topics) throws Exception {
        Map<String, Integer> leaders = new java.util.TreeMap<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                Node leader = partition.leader();
                leaders.put(topic.name() + "-" + partition.partition(), leader == null || leader.isEmpty() ? -1 : leader.id());
            }
        }
        return leaders;
    }

    /** Whether every partition of {@code topics} has a leader on a live node and at least 2 replicas in sync. */
    static boolean servedWithout(Admin admin, Collection<String> topics, int deadNode) throws Exception {
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                Node leader = partition.leader();
                Set<Integer> isr = partition.isr().stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
                if (leader == null || leader.isEmpty() || leader.id() == deadNode || isr.contains(deadNode)
                        || isr.size() < Integer.parseInt(MIN_IN_SYNC)) {
                    return false;
                }
            }
        }
        return true;
    }
}
