package clipstream.ingest.bench;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Runs {@link IngestBenchmark} against a single-node KRaft broker started in this JVM (kafka-server is a test
 * dependency only), for machines without a broker: {@code java -cp <test classpath>
 * clipstream.ingest.bench.BenchmarkOnEmbeddedBroker [frames-per-case] [video-file]}.
 */
public final class BenchmarkOnEmbeddedBroker {
    private BenchmarkOnEmbeddedBroker() {
    }

    public static void main(String[] args) throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String[] benchArgs = new String[args.length + 1];
            benchArgs[0] = cluster.bootstrapServers();
            System.arraycopy(args, 0, benchArgs, 1, args.length);
            IngestBenchmark.main(benchArgs);
        }
    }
}
