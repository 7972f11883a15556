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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through a lost TaskManager: cameras stream in real time, and once the first events are committed the
 * TaskManager running the job is shut down mid-stream and a new one started. The job restarts from its last
 * checkpoint; afterwards every expected event is there exactly once (by event id and by camera and first seq), the
 * ids are those of a failure-free run over the same frames, and the real alerting consumer raises the same alerts
 * over both.
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
        lostTaskManager(E2eJobs.manifest(), dir);
    }

    /**
     * The same with the stream model: each camera's state (its causal layers' last steps, the last clip's features)
     * is in the checkpoint, so after the failover every event has the label and score of the failure-free run, not
     * only its id.
     */
    @Test
    void aStreamModelsCameraStatesComeBackWithTheJob(@TempDir Path dir) throws Exception {
        List<ClipEvent>[] runs = lostTaskManager(E2eJobs.streamManifest(), dir);
        Map<String, ClipEvent> reference = runs[1].stream().collect(Collectors.toMap(ClipEvent::getEventId, e -> e));
        for (ClipEvent event : runs[0]) {
            ClipEvent same = reference.get(event.getEventId());
            assertThat(event.getLabel()).as("label of %s after the failover", event.getEventId())
                    .isEqualTo(same.getLabel());
            assertThat((double) event.getScore()).as("score of %s after the failover", event.getEventId())
                    .isCloseTo(same.getScore(), org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    /** The scenario with {@code model}; returns the events after the failure and those of the failure-free run. */
    @SuppressWarnings("unchecked")
    private List<ClipEvent>[] lostTaskManager(ModelManifest model, Path dir) throws Exception {
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
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(model, settings, clipLength, CHECKPOINT, false),
                restarts);
             var output = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class);
             Admin admin = STACK.kafka().admin()) {
            job.awaitAllTasksRunning(TIMEOUT);
            // the cameras start once the job runs: they stream in real time, and the failure comes while they do
            var ingest = cameras.ingest(STACK.kafka().bootstrapServers(), SyntheticCameras.settings(frames, model.width(),
                    model.height(), framesPerCamera, 0, FPS));
            try {
            output.awaitCount(1, TIMEOUT, job, "first committed event");
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
        System.out.printf("ExactlyOnceUnderFailureTest: %d alerts after the failure, %d without%n", alerts.size(),
                referenceAlerts.size());
        assertThat(referenceAlerts).as("alerts of the failure-free run (the demo rules fire on this input)").isNotEmpty();
        assertThat(alerts).hasSameSizeAs(referenceAlerts);
        assertThat(alerts.stream().map(Alert::getAlertId).collect(Collectors.toSet()))
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

    private static long distinctIds(List<CommittedTopic.Received<ClipEvent>> received) {
        return received.stream().map(r -> r.value().getEventId()).distinct().count();
    }

    private static Set<String> ids(List<ClipEvent> events) {
        return events.stream().map(ClipEvent::getEventId).collect(Collectors.toSet());
    }
}
