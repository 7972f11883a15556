package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.KafkaSettings;
import clipstream.model.store.ModelManifest;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through a lost TaskManager: cameras stream in real time, and once the first events are committed the
 * TaskManager running the job is shut down mid-stream and a new one started. The job restarts from its last
 * checkpoint; afterwards every expected event is there exactly once (by event id and by camera and first seq), the
 * ids are those of a failure-free run over the same frames, and the real alerting consumer raises the same alerts
 * over both; so does an alerting consumer reading the events before the commit ({@code --read-uncommitted}) live
 * through the failure, though it read the events of the transaction the failure aborted and their replay.
 */
class ExactlyOnceUnderFailureTest {
    private static final int CAMERAS = 4;
    private static final int CLIPS_PER_CAMERA = 8;
    private static final double FPS = 25;
    private static final Duration CHECKPOINT = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(2);

    @Test
    void aTaskManagerLostMidStreamLosesNoEventDuplicatesNoneAndChangesNoAlert(@TempDir Path dir) throws Exception {
        lostTaskManager(E2eJobs.manifest(), dir, CHECKPOINT, false);
    }

    /**
     * Alerts before the commit through a real job failure: checkpoints every 4 s, and the TaskManager is lost while
     * the open transaction holds events already written to the topic. The alerting consumer reading read_uncommitted
     * live sees those events, which the failure aborts, and then the restored job's replay of the same clips: it
     * raises each alert once, the same alerts as a read_committed consumer of a failure-free run.
     */
    @Test
    void alertsBeforeTheCommitSeeTheAbortedEventsAndTheirReplayAndRaiseEachAlertOnce(@TempDir Path dir)
            throws Exception {
        lostTaskManager(E2eJobs.manifest(), dir, Duration.ofSeconds(4), true);
    }

    /**
     * The same with the stream model: each camera's state (its causal layers' last steps, the last clip's features)
     * is in the checkpoint, so after the failover every event has the label and score of the failure-free run, not
     * only its id.
     */
    @Test
    void aStreamModelsCameraStatesComeBackWithTheJob(@TempDir Path dir) throws Exception {
        List<ClipEvent>[] runs = lostTaskManager(E2eJobs.streamManifest(), dir, CHECKPOINT, false);
        Map<String, ClipEvent> reference = runs[1].stream().collect(Collectors.toMap(ClipEvent::getEventId, e -> e));
        for (ClipEvent event : runs[0]) {
            ClipEvent same = reference.get(event.getEventId());
            assertThat(event.getLabel()).as("label of %s after the failover", event.getEventId())
                    .isEqualTo(same.getLabel());
            assertThat((double) event.getScore()).as("score of %s after the failover", event.getEventId())
                    .isCloseTo(same.getScore(), org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    /**
     * The scenario with {@code model} and checkpoints every {@code checkpoint}; with {@code abortSome} the TaskManager
     * goes only once events wait uncommitted in the topic (the failure aborts them). Returns the events after the
     * failure and those of the failure-free run.
     */
    @SuppressWarnings("unchecked")
    private List<ClipEvent>[] lostTaskManager(ModelManifest model, Path dir, Duration checkpoint, boolean abortSome)
            throws Exception {
        int clipLength = model.frames();
        long framesPerCamera = (long) CLIPS_PER_CAMERA * clipLength;
        int expected = CAMERAS * CLIPS_PER_CAMERA;
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String referenceEvents = E2eJobs.unique("events-reference");
        String dlq = E2eJobs.unique("dlq");
        STACK.kafka().createTopics(Map.of(frames, CAMERAS, events, CAMERAS, referenceEvents, CAMERAS, dlq, 1));
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        KafkaSettings settings = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq, E2eJobs.unique("job"));

        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        List<ClipEvent> afterFailure;
        List<ClipEvent> reference;
        List<Alert> beforeTheCommit;
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(model, settings, clipLength, checkpoint, false),
                restarts);
             var output = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class);
             Admin admin = STACK.kafka().admin()) {
            job.awaitAllTasksRunning(TIMEOUT);
            // alerts before the commit (--read-uncommitted), live through the failure: they see the events of the
            // transaction the failure aborts, and then the same clips again from the restored job
            AlertsRun.Live uncommittedAlerts = AlertsRun.start(STACK.kafka(), events, dir, true);
            // the cameras start once the job runs: they stream in real time, and the failure comes while they do
            var ingest = cameras.ingest(STACK.kafka().bootstrapServers(), SyntheticCameras.settings(frames, model.width(),
                    model.height(), framesPerCamera, 0, FPS));
            try {
            output.awaitCount(1, TIMEOUT, job, "first committed event");
            if (abortSome) {
                awaitUncommitted(admin, events, 2, job);
            }
            long ackedAtFailure = ingest.acked();
            assertThat(ackedAtFailure).as("frames in when the TaskManager goes: the failure is mid-stream")
                    .isLessThan(CAMERAS * framesPerCamera);
            int eventsBeforeFailure = output.received().size();

            long killed = System.nanoTime();
            job.expectRestarts();
            STACK.flink().terminateTaskManager();
            STACK.flink().startTaskManager();
            awaitRestarted(job);
            job.awaitAllTasksRunning(TIMEOUT);
            double recoverySeconds = (System.nanoTime() - killed) / 1e9;
            int eventsAtRecovery = output.received().size();
            output.awaitCount(eventsAtRecovery + 1, TIMEOUT, job, "first event committed after recovery");
            double firstEventSeconds = (System.nanoTime() - killed) / 1e9;

            ingest.await(TIMEOUT, framesPerCamera);
            try (RunningJob referenceJob = STACK.flink().submit(E2eJobs.job(model, E2eJobs.kafka(
                    STACK.kafka().bootstrapServers(), frames, referenceEvents, E2eJobs.unique("dlq-reference"),
                    E2eJobs.unique("reference")), clipLength, CHECKPOINT, true))) {
                output.awaitUntil(received -> distinctIds(received) >= expected, TIMEOUT, job,
                        expected + " distinct events");
                awaitFramesCommitted(admin, settings.consumerGroup(), frames, job);
                afterFailure = output.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value)
                        .toList();
                referenceJob.awaitFinished(TIMEOUT);
            }
            beforeTheCommit = uncommittedAlerts.awaitAlerts(TIMEOUT);
            System.out.printf("ExactlyOnceUnderFailureTest (%s): TaskManager lost after %d of %d frames and %d events;"
                            + " job running again after %.1f s, first new event after %.1f s%n", model.name(), ackedAtFailure,
                    CAMERAS * framesPerCamera, eventsBeforeFailure, recoverySeconds, firstEventSeconds);

            assertThat(job.maxAttemptNumber()).as("attempt number after the restart").isEqualTo(1);
            assertThat(job.lastFailure()).as("the failure the job recovered from").isPresent();
            List<String> history = job.exceptionHistory();
            assertThat(history).as("exception history: the injected failure, nothing else").hasSize(1);
            assertThat(history.get(0)).as("the injected failure").contains("The TaskExecutor is shutting down");
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            } finally {
                ingest.close();
                uncommittedAlerts.close();
            }
        }
        try (var committed = new CommittedTopic<>(STACK.kafka().bootstrapServers(), referenceEvents, ClipEvent.class)) {
            reference = committed.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
        }

        assertThat(afterFailure).as("events after the failure, duplicates included").hasSize(expected);
        assertThat(afterFailure).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        assertThat(afterFailure.stream().map(e -> e.getCameraId() + "#" + e.getFirstSeq()).toList())
                .doesNotHaveDuplicates();
        Set<String> expectedClips = new HashSet<>();
        for (String camera : cameras.ids()) {
            for (long first = 0; first < framesPerCamera; first += clipLength) {
                expectedClips.add(camera + "#" + first);
            }
        }
        assertThat(afterFailure.stream().map(e -> e.getCameraId() + "#" + e.getFirstSeq()).collect(Collectors.toSet()))
                .isEqualTo(expectedClips);
        assertThat(reference).as("events of the failure-free run").hasSize(expected);
        assertThat(ids(afterFailure)).as("the same event ids as the failure-free run").isEqualTo(ids(reference));

        List<Alert> alerts = AlertsRun.awaitAlerts(STACK.kafka(), events, dir, TIMEOUT);
        List<Alert> referenceAlerts = AlertsRun.awaitAlerts(STACK.kafka(), referenceEvents, dir, TIMEOUT);
        long written = recordsWritten(events);
        System.out.printf("ExactlyOnceUnderFailureTest: %d alerts after the failure, %d without, %d read uncommitted"
                        + " live through the failure (%d event records written, %d committed)%n", alerts.size(),
                referenceAlerts.size(), beforeTheCommit.size(), written, afterFailure.size());
        assertThat(referenceAlerts).as("alerts of the failure-free run (the demo rules fire on this input)").isNotEmpty();
        assertThat(alerts).hasSameSizeAs(referenceAlerts);
        assertThat(alerts.stream().map(Alert::getAlertId).collect(Collectors.toSet()))
                .isEqualTo(referenceAlerts.stream().map(Alert::getAlertId).collect(Collectors.toSet()));
        // the aborted transaction's events were read (and counted once per clip): no alert twice, none missing,
        // none more than the committed events give
        if (abortSome) {
            assertThat(written).as("event records in the topic, aborted ones included: the failure aborted some")
                    .isGreaterThan(afterFailure.size());
        }
        assertThat(beforeTheCommit).extracting(Alert::getAlertId).doesNotHaveDuplicates();
        assertThat(beforeTheCommit.stream().map(a -> a.getRule() + "@" + a.getCameraId() + "#" + a.getEventIds())
                .toList()).as("alerts before the commit, by rule, camera and events").doesNotHaveDuplicates();
        assertThat(beforeTheCommit).as("alerts before the commit, live through the failure")
                .hasSameSizeAs(referenceAlerts);
        assertThat(beforeTheCommit.stream().map(Alert::getAlertId).collect(Collectors.toSet()))
                .isEqualTo(referenceAlerts.stream().map(Alert::getAlertId).collect(Collectors.toSet()));
        return new List[] {afterFailure, reference};
    }

    /** Waits until the job has failed over: a task with a new attempt number. */
    private static void awaitRestarted(RunningJob job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (job.maxAttemptNumber() < 1) {
            job.check();
            assertThat(System.nanoTime()).as("the job restarts after losing its TaskManager").isLessThan(deadline);
            job.waitForResult(100);
        }
    }

    /** Waits until the job's consumer group has committed the whole frames topic (a checkpoint covers all input). */
    static void awaitFramesCommitted(Admin admin, String group, String topic, RunningJob job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (CommittedTopic.lag(admin, group, topic) > 0) {
            job.check();
            assertThat(System.nanoTime()).as("the job commits every frame offset").isLessThan(deadline);
            job.waitForResult(100);
        }
    }

    /**
     * Waits until at least {@code count} records of {@code topic} wait in open transactions: the end offsets
     * (high watermarks) past the last stable offsets (where read_committed readers stop: the first open transaction's
     * first record).
     */
    private static void awaitUncommitted(Admin admin, String topic, int count, RunningJob job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (offsets(admin, topic, IsolationLevel.READ_UNCOMMITTED) - offsets(admin, topic,
                IsolationLevel.READ_COMMITTED) < count) {
            job.check();
            assertThat(System.nanoTime()).as("%d events written and not yet committed", count).isLessThan(deadline);
            job.waitForResult(50);
        }
    }

    /** The sum over {@code topic}'s partitions of their end offsets as a reader at {@code isolation} sees them. */
    private static long offsets(Admin admin, String topic, IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get()
                .get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /** Event records in {@code topic} read read_uncommitted: the committed ones and those of aborted transactions. */
    private static long recordsWritten(String topic) {
        try (var all = CommittedTopic.uncommitted(STACK.kafka().bootstrapServers(), topic, ClipEvent.class)) {
            return all.readToEnd(TIMEOUT).size();
        }
    }

    private static long distinctIds(List<CommittedTopic.Received<ClipEvent>> received) {
        return received.stream().map(r -> r.value().getEventId()).distinct().count();
    }

    private static Set<String> ids(List<ClipEvent> events) {
        return events.stream().map(ClipEvent::getEventId).collect(Collectors.toSet());
    }
}
