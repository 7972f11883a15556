package clipstream.dashboard.feed;

import clipstream.dashboard.DashboardSettings;
import clipstream.dashboard.DashboardTopics;
import clipstream.dashboard.board.CameraBoard;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.Frame;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's one Kafka consumer, on a thread of its own: reads the frames, events, poses, alerts and dead-letter
 * topics read_committed in a consumer group of its own and writes what they say to the board. It only reads, commits
 * nothing and is in no other group, so it never slows the job: at worst it falls behind itself ({@link
 * CameraBoard#feedLag}).
 *
 * <p>Frames are the volume: each is counted from its key, its record timestamp and its seq (read without decoding
 * the pixels); only one per camera per {@code thumbnailEvery} is decoded into a thumbnail. Poses are decoded at most
 * once per {@code posesEvery} per camera. On joining, it starts at the end of the live topics (frames, poses), a few
 * records back on the events topic (tiles have a label at once) and further back on alerts and dead letters (the
 * feed has a history); a topic that appears later is found within seconds.
 */
public final class TopicFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    /** Records per partition read back on joining, by topic role. */
    static final int EVENTS_BACKLOG = 64;
    static final int ALERTS_BACKLOG = 500;
    static final int DEAD_LETTERS_BACKLOG = 1000;
    private static final Duration POLL = Duration.ofMillis(200);
    /** Under half a 4 MiB G1 region (the launcher's): a fetch response is never a humongous object. */
    private static final int FETCH_MAX_BYTES = 1 << 20;

    private enum Role { FRAMES, EVENTS, POSES, ALERTS, DEAD_LETTERS }

    private final DashboardSettings settings;
    private final CameraBoard board;
    private final Map<String, Role> roles = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordDecoder<Frame> frames = RecordDecoder.of(Frame.class);
    private final RecordDecoder<Frame>.LongField frameSeq = frames.longField("seq");
    private final RecordDecoder<ClipEvent> events = RecordDecoder.of(ClipEvent.class);
    private final RecordDecoder<PersonPoses> poses = RecordDecoder.of(PersonPoses.class);
    private final RecordDecoder<Alert> alerts = RecordDecoder.of(Alert.class);
    private final RecordDecoder<DeadLetter> deadLetters = RecordDecoder.of(DeadLetter.class);
    private final ThumbnailEncoder thumbnails;
    private final Thread thread;
    private final AtomicLong handlingNanos = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    public TopicFeed(DashboardSettings settings, CameraBoard board) {
        this.settings = settings;
        this.board = board;
        DashboardTopics topics = settings.topics();
        roles.put(topics.frames(), Role.FRAMES);
        roles.put(topics.events(), Role.EVENTS);
        roles.put(topics.poses(), Role.POSES);
        topics.alerts().forEach(topic -> roles.put(topic, Role.ALERTS));
        topics.deadLetters().forEach(topic -> roles.put(topic, Role.DEAD_LETTERS));
        this.consumer = new KafkaConsumer<>(properties(settings), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.thumbnails = new ThumbnailEncoder(settings.thumbnailWidth());
        this.thread = new Thread(this::run, "clipstream-dashboard-feed");
        thread.setDaemon(true);
    }

    static Properties properties(DashboardSettings settings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // never create a topic by reading it: the pipeline's commands create theirs with their own settings
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_MAX_BYTES));
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_MAX_BYTES / 4));
        // topics that appear later (the alerts topic when the alerting consumer starts) are found within seconds
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        return props;
    }

    /** Subscribes and starts reading. */
    public void start() {
        String names = roles.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"));
        consumer.subscribe(Pattern.compile(names), new StartingPositions());
        thread.start();
    }

    /** Why reading stopped, if it failed. */
    public Throwable failure() {
        return failure;
    }

    /** Nanoseconds spent handling records (decoding, thumbnails, the board), outside the Kafka consumer's own work. */
    public long handlingNanos() {
        return handlingNanos.get();
    }

    /** The reading thread (its CPU time is the feed's, Kafka consumer included). */
    public Thread thread() {
        return thread;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                long started = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    handle(record);
                }
                handlingNanos.addAndGet(System.nanoTime() - started);
                board.feedLag(feedLag());
            }
        } catch (WakeupException e) {
            // close() asked
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("The dashboard stopped reading Kafka: {}", e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            thumbnails.close();
        }
    }

    private long feedLag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            if (roles.get(partition.topic()) == Role.FRAMES) {
                var behind = consumer.currentLag(partition);
                if (behind.isEmpty()) {
                    return -1;
                }
                lag += behind.getAsLong();
            }
        }
        return lag;
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        Role role = roles.get(record.topic());
        if (role == null) {
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        boolean readable = switch (role) {
            case FRAMES -> frame(key, record);
            case EVENTS -> event(record);
            case POSES -> poses(key, record);
            case ALERTS -> alert(record);
            case DEAD_LETTERS -> deadLetter(key, record);
        };
        board.counted(record.topic(), readable);
    }

    private boolean frame(String camera, ConsumerRecord<byte[], byte[]> record) {
        if (!CameraBoard.isCameraId(camera)) {
            return false;
        }
        try {
            long seq = frameSeq.read(record.value());
            if (board.frame(camera, record.partition(), seq, record.timestamp(), settings.thumbnailEvery())) {
                Frame frame = frames.decode(record.value());
                if (camera.equals(frame.getCameraId())) {
                    thumbnails.thumbnail(frame).ifPresent(thumbnail -> board.thumbnail(camera, thumbnail));
                }
            }
            return true;
        } catch (RecordDecodeException e) {
            return false;
        }
    }

    private boolean event(ConsumerRecord<byte[], byte[]> record) {
        try {
            ClipEvent event = events.decode(record.value());
            if (!CameraBoard.isCameraId(event.getCameraId())) {
                return false;
            }
            board.event(event, record.timestamp());
            return true;
        } catch (RecordDecodeException e) {
            return false;
        }
    }

    private boolean poses(String camera, ConsumerRecord<byte[], byte[]> record) {
        if (!CameraBoard.isCameraId(camera)) {
            return false;
        }
        if (!board.posesSeen(camera, record.timestamp(), settings.posesEvery())) {
            return true;
        }
        try {
            PersonPoses decoded = poses.decode(record.value());
            if (camera.equals(decoded.getCameraId())) {
                board.poses(decoded);
            }
            return true;
        } catch (RecordDecodeException e) {
            return false;
        }
    }

    private boolean alert(ConsumerRecord<byte[], byte[]> record) {
        try {
            Alert alert = alerts.decode(record.value());
            if (!CameraBoard.isCameraId(alert.getCameraId())) {
                return false;
            }
            board.alert(alert, record.timestamp());
            return true;
        } catch (RecordDecodeException e) {
            return false;
        }
    }

    private boolean deadLetter(String key, ConsumerRecord<byte[], byte[]> record) {
        try {
            DeadLetter letter = deadLetters.decode(record.value());
            // the letter's own key field is the refused record's key: the camera it claimed to be
            String camera = letter.getKey() == null ? key : StandardCharsets.UTF_8.decode(letter.getKey().duplicate())
                    .toString();
            board.deadLetter(camera, letter.getReason());
            return true;
        } catch (RecordDecodeException e) {
            return false;
        }
    }

    /**
     * Where each partition is read from when the group gives it to this dashboard: where this dashboard left it
     * (a new topic matching the subscription makes the group hand out every partition again), else as the class
     * says. The dashboard commits nothing, so the positions live here, one per partition.
     */
    private final class StartingPositions implements ConsumerRebalanceListener {
        private final Map<TopicPartition, Long> positions = new HashMap<>();

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> fresh = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                Long position = positions.get(partition);
                if (position == null) {
                    fresh.add(partition);
                } else {
                    consumer.seek(partition, position);
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
            Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
            for (TopicPartition partition : fresh) {
                long backlog = switch (roles.getOrDefault(partition.topic(), Role.FRAMES)) {
                    case FRAMES, POSES -> 0;
                    case EVENTS -> EVENTS_BACKLOG;
                    case ALERTS -> ALERTS_BACKLOG;
                    case DEAD_LETTERS -> DEAD_LETTERS_BACKLOG;
                };
                long first = begin.getOrDefault(partition, 0L);
                long last = end.getOrDefault(partition, first);
                consumer.seek(partition, Math.max(first, last - backlog));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                positions.put(partition, consumer.position(partition));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the group moved on without this member: start those partitions afresh when they come back
            partitions.forEach(positions::remove);
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            thumbnails.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
