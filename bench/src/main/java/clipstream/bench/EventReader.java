package clipstream.bench;

import clipstream.schema.ClipEvent;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the clip events a benchmark run produces, read_committed (what a consumer may act on), and notes for each
 * distinct event when it became visible here, when the broker appended it (the topic uses LogAppendTime) and the
 * capture time of the clip's last frame.
 */
final class EventReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    /** One event as seen by a consumer. Times are epoch milliseconds. */
    record Seen(String cameraId, long firstSeq, long endTime, long appendedAt, long visibleAt, float inferenceMs) {
        long endToEndMs() {
            return visibleAt - endTime;
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final RecordDecoder<ClipEvent> decoder = RecordDecoder.of(ClipEvent.class);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread;
    private volatile RuntimeException failure;

    // guarded by this
    private final Set<String> ids = new HashSet<>();
    private final List<Seen> seen = new ArrayList<>();
    private long duplicates;

    EventReader(String bootstrap, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "clipstream-bench-events");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.thread = new Thread(this::run, "bench-event-reader");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping.get()) {
                var records = consumer.poll(POLL);
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    count(record, now);
                }
            }
        } catch (WakeupException e) {
            if (!stopping.get()) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private synchronized void count(ConsumerRecord<byte[], byte[]> record, long now) {
        ClipEvent event;
        try {
            event = decoder.decode(record.value());
        } catch (RecordDecodeException e) {
            throw new IllegalStateException("Undecodable clip event at " + record.offset() + ": " + e.getMessage(), e);
        }
        if (!ids.add(event.getEventId())) {
            duplicates++;
            return;
        }
        seen.add(new Seen(event.getCameraId(), event.getFirstSeq(), event.getEndTime().toEpochMilli(),
                record.timestamp(), now, event.getInferenceMs()));
        notifyAll();
    }

    synchronized int count() {
        return seen.size();
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Waits until {@code expected} distinct events are in or {@code timeout} passes; whether they are all in. */
    synchronized boolean await(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < expected) {
            if (failure != null) {
                throw failure;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 200));
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        stopping.set(true);
        consumer.wakeup();
        thread.join(10_000);
    }
}
