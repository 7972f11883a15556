package clipstream.alerts.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import clipstream.alerts.fixtures.CameraFeed;
import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.fixtures.ManualClock;
import clipstream.alerts.rules.RulesLoader;
import clipstream.alerts.state.SnapshotCodec;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.PersonBox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Camera health rules in the {@link RuleEngine} ({@link CameraHealthWatch}), on an injected wall clock: a camera's
 * frames come at a frame rate, the job's clip events are applied as they are made and the engine judges after every
 * frame, as the pipeline does after every poll.
 */
class CameraHealthTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final String RULES = """
            rules:
              - name: camera-down
                health:
                  offline-after: 10s
                  degraded-below-fps: 10
                  degraded-for: 20s
                  recovered-after: 30s
            """;

    private final ManualClock clock = new ManualClock(ClipEvents.at(0));
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<String, ClipEvent> lastEvents = new HashMap<>();
    private RuleEngine engine;

    private RuleEngine engine(String rules, Duration expiry, int maxHealthCameras) throws Exception {
        return new RuleEngine(RulesLoader.parse(rules, "test"), 100, expiry, Duration.ofMinutes(5), clock,
                maxHealthCameras);
    }

    private void use(RuleEngine next) {
        engine = next;
    }

    /** The camera's frames at {@code fps} for {@code duration}; the engine judges after every frame. */
    private void send(CameraFeed camera, double fps, Duration duration) {
        camera.frames(fps, duration, this::apply, this::check);
    }

    private void apply(ClipEvent event) {
        lastEvents.put(event.getCameraId(), event);
        engine.onEvent(0, event).forEach(raised -> alerts.add(raised.alert()));
    }

    private void check() {
        engine.checkHealth(Set.of(0)).forEach(raised -> alerts.add(raised.alert()));
    }

    /** Nothing arrives for {@code duration}; the engine judges every 200 ms, as the pipeline polls. */
    private void silence(Duration duration) {
        for (long waited = 0; waited < duration.toMillis(); waited += 200) {
            clock.advance(Duration.ofMillis(200));
            check();
        }
    }

    private static List<String> labels(List<Alert> alerts) {
        return alerts.stream().map(alert -> alert.getCameraId() + " " + alert.getLabel()).toList();
    }

    @Test
    void aCameraSilentForOfflineAfterIsOfflineOnceAndRecoveredOnceItIsBackForRecoveredAfter() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        CameraFeed camera = new CameraFeed("cam-1", clock);

        send(camera, 25, Duration.ofSeconds(5));
        assertThat(alerts).isEmpty();
        ClipEvent last = lastEvents.get("cam-1");
        long lastHeard = last.getEndTime().toEpochMilli();
        silence(Duration.ofMillis(lastHeard + 10_000 - clock.millis() - 200));
        assertThat(alerts).as("9.8 s or so without an event").isEmpty();
        silence(Duration.ofMillis(200));
        assertThat(labels(alerts)).containsExactly("cam-1 offline");
        silence(Duration.ofMinutes(2));
        assertThat(alerts).as("offline is raised once").hasSize(1);

        Alert offline = alerts.get(0);
        assertThat(offline.getKind()).isEqualTo(CameraHealthWatch.KIND_OFFLINE);
        assertThat(offline.getRule()).isEqualTo("camera-down");
        assertThat(offline.getAlertId()).isEqualTo(CameraHealthWatch.alertId("camera-down", "cam-1",
                CameraHealthWatch.KIND_OFFLINE, last.getEventId()));
        assertThat(offline.getFirstEventTime()).isEqualTo(last.getEndTime());
        assertThat(offline.getLastEventTime()).isEqualTo(last.getEndTime());
        assertThat(offline.getEventCount()).isZero();
        assertThat(offline.getEventIds()).isEmpty();
        assertThat(offline.getScore()).isEqualTo(1f);
        assertThat(offline.getReason()).isEqualTo("no clip event for 10s (offline-after 10s)");
        assertThat(offline.getFrameRate()).isNull();
        assertThat(offline.getTrackId()).isNull();

        send(camera, 25, Duration.ofSeconds(30));
        assertThat(alerts).as("back for less than 30 s since its first event").hasSize(1);
        send(camera, 25, Duration.ofSeconds(5));
        assertThat(labels(alerts)).containsExactly("cam-1 offline", "cam-1 recovered");
        send(camera, 25, Duration.ofMinutes(2));
        assertThat(alerts).hasSize(2);

        Alert recovered = alerts.get(1);
        assertThat(recovered.getKind()).isEqualTo(CameraHealthWatch.KIND_RECOVERED);
        assertThat(recovered.getFrameRate()).isCloseTo(25f, within(0.01f));
        assertThat(recovered.getReason()).startsWith("clip events again for 30s (recovered-after 30s), at 25.0 fps");
        assertThat(recovered.getEventCount()).isEqualTo(1);
        assertThat(recovered.getFirstEventTime()).isBefore(recovered.getLastEventTime());
    }

    @Test
    void aFlappingCameraStaysOfflineUntilItIsSteadyForRecoveredAfter() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        CameraFeed camera = new CameraFeed("cam-1", clock);

        send(camera, 25, Duration.ofSeconds(5));
        silence(Duration.ofSeconds(15));
        assertThat(labels(alerts)).containsExactly("cam-1 offline");
        for (int flap = 0; flap < 5; flap++) {
            send(camera, 25, Duration.ofSeconds(20));
            silence(Duration.ofSeconds(12));
        }
        assertThat(labels(alerts)).as("back for 20 s, gone for 12 s, five times").containsExactly("cam-1 offline");

        send(camera, 25, Duration.ofSeconds(40));
        assertThat(labels(alerts)).containsExactly("cam-1 offline", "cam-1 recovered");
    }

    @Test
    void aCameraWhoseFrameRateStaysLowForDegradedForIsDegradedThenRecovered() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        CameraFeed camera = new CameraFeed("cam-1", clock);

        send(camera, 25, Duration.ofSeconds(10));
        send(camera, 5, Duration.ofSeconds(15));
        assertThat(alerts).as("slow, with a clip every 3.2 s: neither offline nor slow for 20 s yet").isEmpty();
        send(camera, 5, Duration.ofSeconds(15));
        assertThat(labels(alerts)).containsExactly("cam-1 degraded");
        Alert degraded = alerts.get(0);
        assertThat(degraded.getKind()).isEqualTo(CameraHealthWatch.KIND_DEGRADED);
        assertThat(degraded.getFrameRate()).isCloseTo(5f, within(0.01f));
        assertThat(degraded.getReason()).startsWith("frame rate 5.0 fps, below 10, for 2").endsWith(
                "s of clips (degraded-for 20s)");
        assertThat(degraded.getLastEventTime().toEpochMilli() - degraded.getFirstEventTime().toEpochMilli())
                .isBetween(20_000L, 24_000L);
        assertThat(degraded.getEventIds()).as("the clip that completed the run").hasSize(1);
        assertThat(degraded.getEventCount()).isEqualTo(1);

        send(camera, 25, Duration.ofSeconds(25));
        assertThat(alerts).as("healthy clips for less than 30 s").hasSize(1);
        send(camera, 25, Duration.ofSeconds(10));
        assertThat(labels(alerts)).containsExactly("cam-1 degraded", "cam-1 recovered");
        assertThat(alerts.get(1).getReason()).startsWith("frame rate 25.0 fps, at least 10, for 3");
    }

    @Test
    void aCameraBackFromOfflineAtALowFrameRateIsDegradedNotRecovered() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        CameraFeed camera = new CameraFeed("cam-1", clock);

        send(camera, 25, Duration.ofSeconds(5));
        silence(Duration.ofSeconds(15));
        send(camera, 5, Duration.ofSeconds(45));
        assertThat(labels(alerts)).containsExactly("cam-1 offline", "cam-1 degraded");
        assertThat(alerts.get(1).getReason()).startsWith("clip events again for 3")
                .endsWith("but at 5.0 fps, below 10");

        send(camera, 25, Duration.ofSeconds(40));
        assertThat(labels(alerts)).containsExactly("cam-1 offline", "cam-1 degraded", "cam-1 recovered");
    }

    @Test
    void silenceIsJudgedOnlyOnPartitionsReadToTheirEnd() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        send(new CameraFeed("cam-1", clock), 25, Duration.ofSeconds(5));
        clock.advance(Duration.ofMinutes(1));

        assertThat(engine.checkHealth(Set.of())).as("partition 0 has a backlog").isEmpty();
        assertThat(engine.checkHealth(Set.of(1))).isEmpty();
        assertThat(engine.checkHealth(Set.of(0))).extracting(raised -> raised.alert().getLabel())
                .containsExactly("offline");
    }

    @Test
    void aRestoredOfflineCameraIsNotRaisedAgainAndRecoversOnce() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        CameraFeed camera = new CameraFeed("cam-1", clock);
        send(camera, 25, Duration.ofSeconds(5));
        silence(Duration.ofSeconds(15));
        assertThat(labels(alerts)).containsExactly("cam-1 offline");
        CameraSnapshot stored = stored("cam-1");
        assertThat(stored.health().rules().get("camera-down").condition()).isEqualTo(CameraCondition.OFFLINE);

        clock.advance(Duration.ofMinutes(3)); // the consumer is down
        alerts.clear();
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        engine.restore(0, Map.of("cam-1", SnapshotCodec.decode(SnapshotCodec.encode(stored))));
        silence(Duration.ofMinutes(1));
        assertThat(alerts).as("the restored offline camera is not raised again").isEmpty();

        send(camera, 25, Duration.ofSeconds(35));
        assertThat(labels(alerts)).containsExactly("cam-1 recovered");
    }

    @Test
    void aRestoreGivesEveryCameraAFullOfflineAfterFromThen() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        send(new CameraFeed("cam-1", clock), 25, Duration.ofSeconds(5));
        CameraSnapshot stored = stored("cam-1");

        clock.advance(Duration.ofMinutes(5)); // the consumer (and the camera) were down
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        engine.restore(0, Map.of("cam-1", stored));
        silence(Duration.ofMillis(9_800));
        assertThat(alerts).as("held for 9.8 s only").isEmpty();
        silence(Duration.ofMillis(400));
        assertThat(labels(alerts)).containsExactly("cam-1 offline");
        assertThat(alerts.get(0).getReason()).isEqualTo("no clip event for 310s (offline-after 10s)");
    }

    @Test
    void theReplayOfAFailedTransactionCountsSilenceAsBeforeButATakeoverStartsItAfresh() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        send(new CameraFeed("cam-1", clock), 25, Duration.ofSeconds(5));
        CameraSnapshot stored = stored("cam-1");
        clock.advance(Duration.ofSeconds(11));

        engine.dropForReplay(Set.of(0));
        engine.restore(0, Map.of("cam-1", stored));
        assertThat(engine.checkHealth(Set.of(0))).as("replayed: silent since before").hasSize(1);

        engine.forget(Set.of(0));
        engine.restore(0, Map.of("cam-1", stored));
        assertThat(engine.checkHealth(Set.of(0))).as("taken over: silent from now on").isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.checkHealth(Set.of(0))).hasSize(1);
    }

    @Test
    void stateStaysBoundedByThePartitionsCapAndTheCameraExpiry() throws Exception {
        use(engine(RULES, Duration.ofMinutes(2), 2));
        CameraFeed a = new CameraFeed("cam-a", clock);
        CameraFeed b = new CameraFeed("cam-b", clock);
        CameraFeed c = new CameraFeed("cam-c", clock);
        send(a, 25, Duration.ofSeconds(2));
        send(b, 25, Duration.ofSeconds(2));
        send(c, 25, Duration.ofSeconds(2));

        assertThat(engine.snapshot("cam-a").orElseThrow().health()).isNotNull();
        assertThat(engine.snapshot("cam-b").orElseThrow().health()).isNotNull();
        assertThat(engine.snapshot("cam-c").orElseThrow().health()).as("beyond the cap of 2").isNull();
        assertThat(engine.healthCapacityRefusals()).isPositive();

        send(c, 25, Duration.ofSeconds(30));
        assertThat(labels(alerts)).as("cam-c is not watched").containsExactlyInAnyOrder("cam-a offline",
                "cam-b offline");
        send(c, 25, Duration.ofMinutes(2));
        assertThat(engine.cameras()).as("a and b forgotten after 2 minutes of event time").containsExactly("cam-c");
        assertThat(engine.takeChanges()).filteredOn(StateChange::forgotten).extracting(StateChange::camera)
                .containsExactlyInAnyOrder("cam-a", "cam-b");
        CameraHealthSnapshot health = engine.snapshot("cam-c").orElseThrow().health();
        assertThat(health).as("watched once a watched camera was forgotten").isNotNull();
        assertThat(health.rules()).as("one rule, a few fields, however long it ran").containsOnlyKeys("camera-down");

        silence(Duration.ofSeconds(11));
        assertThat(labels(alerts)).containsExactlyInAnyOrder("cam-a offline", "cam-b offline", "cam-c offline");
    }

    @Test
    void aHealthRuleWatchesOnlyItsCamerasAndLeavesLabelRulesAndSnapshotsAlone() throws Exception {
        String rules = """
                rules:
                  - name: fall
                    labels: [falling]
                  - name: lobby-down
                    cameras: ["lobby-*"]
                    health: {offline-after: 10s}
                """;
        use(engine(rules, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        apply(event("lobby-1", 1, "falling"));
        apply(event("cam-1", 1, "falling"));
        assertThat(labels(alerts)).containsExactly("lobby-1 falling", "cam-1 falling");
        assertThat(alerts).extracting(Alert::getKind).containsOnly(RuleEngine.KIND_ACTION);
        silence(Duration.ofSeconds(15));

        assertThat(labels(alerts)).containsExactly("lobby-1 falling", "cam-1 falling", "lobby-1 offline");
        assertThat(engine.snapshot("cam-1").orElseThrow().health()).isNull();
        assertThat(new String(SnapshotCodec.encode(engine.snapshot("cam-1").orElseThrow()), StandardCharsets.UTF_8))
                .as("the JSON of a camera no health rule watches is as before").doesNotContain("health");
        assertThat(engine.snapshot("lobby-1").orElseThrow().health().rules()).containsOnlyKeys("lobby-down");
    }

    @Test
    void aChangedHealthRuleStartsAfreshAndARemovedOneLeavesNothing() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        send(new CameraFeed("cam-1", clock), 25, Duration.ofSeconds(5));
        silence(Duration.ofSeconds(11));
        assertThat(labels(alerts)).containsExactly("cam-1 offline");

        engine.replaceRules(RulesLoader.parse(RULES.replace("offline-after: 10s", "offline-after: 20s"), "test"));
        silence(Duration.ofSeconds(5));
        assertThat(alerts).as("silent for 16 s, offline after 20 s now").hasSize(1);
        silence(Duration.ofSeconds(5));
        assertThat(labels(alerts)).containsExactly("cam-1 offline", "cam-1 offline");
        assertThat(alerts.get(1).getAlertId()).as("same camera, same last event: the same alert")
                .isEqualTo(alerts.get(0).getAlertId());

        engine.replaceRules(RulesLoader.parse("rules:\n  - name: fall\n    labels: [falling]\n", "test"));
        assertThat(engine.snapshot("cam-1").orElseThrow().health()).isNull();
        silence(Duration.ofMinutes(1));
        assertThat(alerts).hasSize(2);
    }

    @Test
    void aPersonsEventKeepsTheCameraHeardButHasNoFrameRate() throws Exception {
        use(engine(RULES, Duration.ofHours(24), RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION));
        for (int i = 0; i < 30; i++) {
            clock.advance(SECOND);
            ClipEvent event = event("cam-1", i, "walk");
            event.setStartTime(clock.instant().minusSeconds(3));
            event.setTrackId(3L);
            event.setBox(new PersonBox(1f, 2f, 30f, 60f, 640, 480));
            apply(event);
            check();
        }
        assertThat(alerts).isEmpty();
        assertThat(engine.snapshot("cam-1").orElseThrow().health().rules().get("camera-down").frameRate()).isNull();
    }

    @Test
    void aClipsFrameRateIsItsFramesThatArrivedPerSecondOfCaptureTime() {
        ClipEvent clip = event("cam-1", 1, "still");
        clip.setFirstSeq(100);
        clip.setLastSeq(131);
        clip.setStartTime(Instant.ofEpochMilli(0));
        clip.setEndTime(Instant.ofEpochMilli(1_240));
        assertThat(CameraHealthWatch.frameRate(clip)).isCloseTo(25f, within(0.001f));

        clip.setFramesFilled(16);
        assertThat(CameraHealthWatch.frameRate(clip)).as("half its frames were missing").isCloseTo(12.5f,
                within(0.001f));
        clip.setTrackId(4L);
        assertThat(CameraHealthWatch.frameRate(clip)).as("a person's clip").isNull();
        clip.setTrackId(null);
        clip.setEndTime(Instant.ofEpochMilli(0));
        assertThat(CameraHealthWatch.frameRate(clip)).as("no time spanned").isNull();
    }

    /** A whole-frame event of {@code camera} ending now on the clock (a new object: tests change its fields). */
    private ClipEvent event(String camera, int n, String label) {
        ClipEvent event = ClipEvents.event(camera, n, label, 0.9f);
        event.setEventId(camera + ":" + n);
        event.setStartTime(clock.instant().minusSeconds(1));
        event.setEndTime(clock.instant());
        return event;
    }

    /** The latest state of {@code camera} the engine hands over for storing. */
    private CameraSnapshot stored(String camera) {
        CameraSnapshot latest = null;
        for (StateChange change : engine.takeChanges()) {
            if (change.camera().equals(camera)) {
                latest = change.snapshot();
            }
        }
        assertThat(latest).as("stored state of %s", camera).isNotNull();
        return latest;
    }
}
