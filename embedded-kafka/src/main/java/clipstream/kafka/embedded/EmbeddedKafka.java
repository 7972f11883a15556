package clipstream.kafka.embedded;

import clipstream.common.kafka.TopicReadiness;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) in this JVM, from the plain {@code kafka_2.13}
 * server jars: no test jars, loopback only, storage in a temporary folder that {@link #close()} deletes.
 * Internal topics have replication factor 1, so transactions and consumer groups work on the one node. The node can
 * be stopped and started again on the same ports with the same storage ({@link #stop()}, {@link #startAgain()}), as
 * a broker restarts: clients reconnect to the same address and find their topics, offsets and transactions.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final Properties properties;
    private final String bootstrap;
    private KafkaRaftServer server; // null while stopped
    private boolean closed;

    private EmbeddedKafka(Path dataDir, Properties properties, KafkaRaftServer server, String bootstrap) {
        this.dataDir = dataDir;
        this.properties = properties;
        this.server = server;
        this.bootstrap = bootstrap;
    }

    /** Formats fresh storage, starts the node and returns once it answers as a broker. */
    public static EmbeddedKafka start() throws IOException {
        return start(Map.of());
    }

    /**
     * As {@link #start()}, with broker settings that replace the defaults, e.g. {@code auto.create.topics.enable}
     * for a test of a client that relies on it.
     */
    public static EmbeddedKafka start(Map<String, String> brokerOverrides) throws IOException {
        RuntimeException lost = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(brokerOverrides);
            } catch (RuntimeException e) {
                // the ports are free when picked and bound a moment later: another process can take one in
                // between; new ports then, a few times
                if (!portTaken(e)) {
                    throw e;
                }
                lost = e;
                LOG.warn("Kafka broker start {} of {}: a picked port was taken ({}); again with other ports",
                        attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw lost;
    }

    private static EmbeddedKafka startOnce(Map<String, String> brokerOverrides) throws IOException {
        Path dataDir = Files.createTempDirectory("clipstream-kafka-");
        KafkaRaftServer server = null;
        try {
            int[] ports = freeLoopbackPorts(2);
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            Properties properties = serverProperties(dataDir, brokerPort, controllerPort);
            properties.putAll(brokerOverrides);
            format(dataDir);
            server = newServer(properties);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, properties, server, LOOPBACK + ":" + brokerPort);
            kafka.awaitReady(READY_TIMEOUT);
            LOG.info("Kafka broker on {} (data in {})", kafka.bootstrap, dataDir);
            return kafka;
        } catch (IOException | RuntimeException e) {
            stopQuietly(server);
            deleteRecursively(dataDir);
            throw e;
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port} of the broker's listener. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** Creates the topics (replication factor 1), failing if any exists already. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), (short) 1)).toList();
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            awaitWritable(admin, partitionsByTopic.keySet(), Duration.ofSeconds(30));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + partitionsByTopic.keySet() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    /**
     * Waits until the leader of every partition of {@code topics} answers for it (see {@link TopicReadiness}: an
     * idempotent producer writing to a topic whose partitions are not loaded yet can fail on Kafka 4.2). Creating a
     * topic therefore ends with this wait.
     */
    public static void awaitWritable(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        TopicReadiness.awaitCreated(admin, topics, timeout);
    }

    /** The storage folder, deleted by {@link #close()} (package-private: its test checks the deletion). */
    Path dataDir() {
        return dataDir;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "clipstream-embedded-kafka");
        return Admin.create(properties);
    }

    /**
     * Shuts the node down as a broker shuts down (its ports closed, its logs flushed) and waits for its
     * threads, keeping its storage and ports for {@link #startAgain()}. Clients see the broker gone: requests time
     * out, connections are refused.
     */
    public synchronized void stop() {
        requireOpen();
        if (server == null) {
            throw new IllegalStateException("The Kafka broker on " + bootstrap + " is stopped already");
        }
        stopQuietly(server);
        server = null;
        LOG.info("Kafka broker on {} stopped (data kept in {})", bootstrap, dataDir);
    }

    /**
     * Starts a node stopped by {@link #stop()} again on the same ports with the same storage, and returns once it
     * answers as a broker. Fails if another process took one of its ports meanwhile.
     */
    public synchronized void startAgain() {
        requireOpen();
        if (server != null) {
            throw new IllegalStateException("The Kafka broker on " + bootstrap + " is running");
        }
        KafkaRaftServer restarted = newServer(properties);
        try {
            restarted.startup();
        } catch (RuntimeException e) {
            stopQuietly(restarted);
            throw new IllegalStateException("Cannot start the Kafka broker again on " + bootstrap + " (data in "
                    + dataDir + "): " + e.getMessage(), e);
        }
        server = restarted;
        awaitReady(READY_TIMEOUT);
        LOG.info("Kafka broker on {} started again", bootstrap);
    }

    /** Stops the node (if running), waits for its threads, and deletes its storage. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(server);
        server = null;
        deleteRecursively(dataDir);
        LOG.info("Kafka broker on {} stopped", bootstrap);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The Kafka broker on " + bootstrap + " is closed");
        }
    }

    private static KafkaRaftServer newServer(Properties properties) {
        return new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
    }

    /** Polls the cluster description until this node is listed as a broker, or fails at the deadline. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    if (!admin.describeCluster().nodes().get(leftMs, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the broker", e);
                }
            }
        }
        throw new IllegalStateException("Kafka broker on " + bootstrap + " was not ready within "
                + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last));
    }

    private static Properties serverProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir(dataDir).toString());
        // one node: every internal topic with one replica and few partitions
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // a small machine shared with other work: few threads
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        return p;
    }

    private static Path logDir(Path dataDir) {
        return dataDir.resolve("log");
    }

    private static void format(Path dataDir) throws IOException {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir(dataDir).toString()))
                    .setMetadataLogDirectory(logDir(dataDir).toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .run();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** A port free on the loopback interface now (the broker binds it a moment later). */
    public static int freeLoopbackPort() throws IOException {
        return freeLoopbackPorts(1)[0];
    }

    /**
     * {@code count} distinct ports free on the loopback interface now: all are held open while they are picked, so
     * the system cannot hand out the same one twice (two picks one after the other can return the same port).
     */
    static int[] freeLoopbackPorts(int count) throws IOException {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void stopQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Stopping the Kafka broker: {}", e.toString());
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }
}
