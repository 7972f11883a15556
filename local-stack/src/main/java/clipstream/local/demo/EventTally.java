package clipstream.local.demo;

import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the pipeline committed (read_committed, from the beginning, no consumer group) and keeps score:
 * clip events (unique ids, labels against the ground truth, latency from the clip's last capture time to the
 * moment the event is read here), dead letters by reason, alerts, and, when the people path runs, posed frames,
 * people seen, and per camera its confirmed tracks and its person events (labels per track, right ones).
 */
final class EventTally implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventTally.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String eventsTopic;
    private final String deadLetterTopic;
    private final Set<String> alertTopics;
    private final GroundTruth truth;
    private final LongSupplier clock;
    private final RecordDecoder<ClipEvent> events = RecordDecoder.of(ClipEvent.class);
    private final RecordDecoder<DeadLetter> deadLetters = RecordDecoder.of(DeadLetter.class);
    private final RecordDecoder<PersonPoses> poses = RecordDecoder.of(PersonPoses.class);
    private final String posesTopic;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    // guarded by this
    private final Set<String> eventIds = new HashSet<>();
    private final List<Long> latenciesMs = new ArrayList<>();
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private long duplicates;
    private long undecodable;
    private long scorable;
    private long correct;
    private long alerts;
    private boolean caughtUp;
    private long polls;
    private long posedFrames;
    private long peopleSeen;
    private final Map<String, PersonEventTally> people = new TreeMap<>();

    EventTally(String bootstrap, String eventsTopic, String deadLetterTopic, Set<String> alertTopics,
               GroundTruth truth, LongSupplier clock) {
        this(bootstrap, eventsTopic, deadLetterTopic, alertTopics, null, truth, clock);
    }

    /** {@code posesTopic}: the people path's topic, or null when it is off. */
    EventTally(String bootstrap, String eventsTopic, String deadLetterTopic, Set<String> alertTopics,
               String posesTopic, GroundTruth truth, LongSupplier clock) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "clipstream-demo-tally");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.eventsTopic = eventsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.alertTopics = Set.copyOf(alertTopics);
        this.posesTopic = posesTopic;
        this.truth = truth;
        this.clock = clock;
        this.thread = new Thread(this, "demo-tally");
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics()) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping.get()) {
                var records = consumer.poll(POLL);
                long now = clock.getAsLong();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    count(record, now);
                }
                boolean atEnd = true;
                for (var end : consumer.endOffsets(partitions).entrySet()) {
                    atEnd &= consumer.position(end.getKey()) >= end.getValue();
                }
                synchronized (this) {
                    caughtUp = atEnd;
                    polls++;
                    notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!stopping.get()) {
                throw e;
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            stopped.countDown();
        }
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>(List.of(eventsTopic, deadLetterTopic));
        topics.addAll(new java.util.TreeSet<>(alertTopics));
        if (posesTopic != null) {
            topics.add(posesTopic);
        }
        return topics;
    }

    private synchronized void count(ConsumerRecord<byte[], byte[]> record, long consumedAtMs) {
        if (record.topic().equals(eventsTopic)) {
            try {
                countEvent(events.decode(record.value()), consumedAtMs);
            } catch (RecordDecodeException e) {
                undecodable++;
                LOG.warn("Undecodable clip event at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
            }
        } else if (record.topic().equals(deadLetterTopic)) {
            String reason;
            try {
                reason = deadLetters.decode(record.value()).getReason().name();
            } catch (RecordDecodeException e) {
                reason = "UNDECODABLE_DEAD_LETTER";
            }
            deadLettersByReason.merge(reason, 1L, Long::sum);
        } else if (record.topic().equals(posesTopic)) {
            try {
                countPoses(poses.decode(record.value()));
            } catch (RecordDecodeException e) {
                undecodable++;
            }
        } else {
            alerts++;
        }
    }

    private void countEvent(ClipEvent event, long consumedAtMs) {
        if (!eventIds.add(event.getEventId())) {
            duplicates++;
            return;
        }
        latenciesMs.add(consumedAtMs - event.getEndTime().toEpochMilli());
        Optional<String> expected = truth.labelOf(event);
        expected.ifPresent(label -> {
            scorable++;
            if (label.equals(event.getLabel())) {
                correct++;
            }
        });
        if (event.getTrackId() != null) {
            people(event.getCameraId()).event(event.getTrackId(), event.getFirstSeq(), event.getLabel(), expected);
        }
    }

    private PersonEventTally people(String cameraId) {
        return people.computeIfAbsent(cameraId, id -> new PersonEventTally());
    }

    private void countPoses(PersonPoses frame) {
        posedFrames++;
        peopleSeen += frame.getPeople().size();
        PersonEventTally camera = people(frame.getCameraId());
        frame.getPeople().stream().filter(person -> person.getTrackId() >= 0)
                .forEach(person -> camera.poseOf(person.getTrackId()));
    }

    /** Whether the last poll reached the last committed record of every partition. */
    synchronized boolean caughtUp() {
        return caughtUp;
    }

    /** Waits until the next poll has been counted (one poll interval, about), or {@code timeout}. */
    synchronized void awaitNextPoll(Duration timeout) throws InterruptedException {
        long seen = polls;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (polls == seen && stopped.getCount() > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    synchronized long events() {
        return eventIds.size();
    }

    /** The counts so far. */
    synchronized Counts counts() {
        long letters = deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        Map<String, DemoSummary.CameraPeople> byCamera = new TreeMap<>();
        people.forEach((camera, tally) -> byCamera.put(camera, tally.snapshot()));
        return new Counts(eventIds.size(), duplicates, undecodable, scorable, correct, alerts, letters,
                new TreeMap<>(deadLettersByReason), List.copyOf(latenciesMs), posesTopic == null ? -1 : posedFrames,
                peopleSeen, people.values().stream().mapToLong(PersonEventTally::tracksInPoses).sum(), byCamera);
    }

    /**
     * A snapshot of the tally; {@code posedFrames} is -1 when the people path is off; {@code tracks}: distinct
     * confirmed tracks on the poses topic, all cameras; {@code people}: per camera, its tracks and person events.
     */
    record Counts(long events, long duplicates, long undecodable, long scorable, long correct, long alerts,
                  long deadLetters, Map<String, Long> deadLettersByReason, List<Long> latenciesMs, long posedFrames,
                  long peopleSeen, long tracks, Map<String, DemoSummary.CameraPeople> people) {

        /** Counts of a run without person events. */
        Counts(long events, long duplicates, long undecodable, long scorable, long correct, long alerts,
               long deadLetters, Map<String, Long> deadLettersByReason, List<Long> latenciesMs, long posedFrames,
               long peopleSeen, long tracks) {
            this(events, duplicates, undecodable, scorable, correct, alerts, deadLetters, deadLettersByReason,
                    latenciesMs, posedFrames, peopleSeen, tracks, Map.of());
        }

        /** Counts of a run without the people path. */
        Counts(long events, long duplicates, long undecodable, long scorable, long correct, long alerts,
               long deadLetters, Map<String, Long> deadLettersByReason, List<Long> latenciesMs) {
            this(events, duplicates, undecodable, scorable, correct, alerts, deadLetters, deadLettersByReason,
                    latenciesMs, -1, 0, 0);
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        consumer.wakeup();
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            return;
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
