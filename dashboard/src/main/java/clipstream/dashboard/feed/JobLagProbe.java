package clipstream.dashboard.feed;

import clipstream.dashboard.DashboardSettings;
import clipstream.dashboard.board.CameraBoard;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the job is behind on the frames topic, per partition: the end of each partition minus the offset the
 * job's consumer group has committed there (at each checkpoint, with exactly-once), every few seconds, through the
 * admin API. The board shows it on each camera of the partition. Lag is unknown (-1) while the group has committed
 * nothing or the broker does not answer.
 */
public final class JobLagProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobLagProbe.class);
    static final Duration EVERY = Duration.ofSeconds(2);
    private static final long TIMEOUT_S = 5;

    private final DashboardSettings settings;
    private final CameraBoard board;
    private final Admin admin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "clipstream-dashboard-lag");
        thread.setDaemon(true);
        return thread;
    });

    public JobLagProbe(DashboardSettings settings, CameraBoard board) {
        this.settings = settings;
        this.board = board;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.group() + "-lag");
        this.admin = Admin.create(props);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::probe, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        try {
            board.jobLag(lagByPartition());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Job lag unknown: {}", e.toString());
            board.jobLag(Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<Integer, Long> lagByPartition() throws ExecutionException, InterruptedException, TimeoutException {
        String topic = settings.topics().frames();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.jobGroup())
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                latest.put(partition, OffsetSpec.latest());
            }
        });
        if (latest.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<Integer, Long> lag = new HashMap<>();
        ends.forEach((partition, end) -> lag.put(partition.partition(),
                Math.max(0, end.offset() - committed.get(partition).offset())));
        return lag;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
