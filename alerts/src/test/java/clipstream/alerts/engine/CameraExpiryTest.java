package clipstream.alerts.engine;

import static clipstream.alerts.fixtures.ClipEvents.at;
import static clipstream.alerts.fixtures.ClipEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.rules.RulesLoader;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Cameras are forgotten after {@code cameraExpiry} of event time without an event on their partition (RuleEngine). */
class CameraExpiryTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final String FALL_TWICE = """
            rules:
              - name: fall
                labels: [falling]
                min-consecutive: 2
            """;
    private static final String FALL_WITH_LONG_COOLDOWN = """
            rules:
              - name: fall
                labels: [falling]
                cooldown: 10m
            """;

    private static RuleEngine engine(String rules, Duration expiry) throws Exception {
        return new RuleEngine(RulesLoader.parse(rules, "test"), 100, expiry);
    }

    private static ClipEvent walk(String camera, int second) {
        return event(camera, second, "walking", 0.9f);
    }

    private static ClipEvent fall(String camera, int second) {
        return event(camera, second, "falling", 0.9f);
    }

    private static StateChange tombstone(int partition, String camera) {
        return new StateChange(partition, camera, null);
    }

    @Test
    void aCameraWithoutEventsForTheExpiryIsForgottenWithATombstone() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        engine.onEvent(0, walk("cam-1", 1));
        engine.onEvent(0, walk("cam-2", 1));
        assertThat(engine.takeChanges()).extracting(StateChange::camera).containsExactly("cam-1", "cam-2");

        engine.onEvent(0, walk("cam-2", 61));

        assertThat(engine.cameras()).containsExactly("cam-2");
        assertThat(engine.cameraCount()).isEqualTo(1);
        assertThat(engine.takeChanges()).containsExactly(tombstone(0, "cam-1"),
                new StateChange(0, "cam-2", engine.snapshot("cam-2").orElseThrow()));
        assertThat(engine.snapshot("cam-2").orElseThrow().lastEventTime()).isEqualTo(at(61).toEpochMilli());
    }

    @Test
    void aCameraIsKeptUntilTheExpiryHasPassedCompletely() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        engine.onEvent(0, walk("cam-1", 1));
        engine.onEvent(0, walk("cam-2", 60));    // 59 s after cam-1's last event
        assertThat(engine.cameras()).containsExactlyInAnyOrder("cam-1", "cam-2");

        engine.onEvent(0, walk("cam-1", 60));    // its own event: another 60 s from here
        engine.onEvent(0, walk("cam-2", 119));
        assertThat(engine.cameras()).containsExactlyInAnyOrder("cam-1", "cam-2");
        assertThat(engine.takeChanges()).noneMatch(StateChange::forgotten);

        engine.onEvent(0, walk("cam-2", 120));   // exactly 60 s
        assertThat(engine.cameras()).containsExactly("cam-2");
    }

    @Test
    void aStreakDoesNotSpanTheExpiryAndOlderEventsAreNoLongerDuplicates() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        assertThat(engine.onEvent(0, fall("cam-1", 1))).isEmpty();
        assertThat(engine.onEvent(0, fall("cam-1", 61))).as("the camera was forgotten first: streak of 1").isEmpty();
        assertThat(engine.onEvent(0, fall("cam-1", 62))).singleElement()
                .satisfies(raised -> assertThat(raised.alert().getEventIds())
                        .containsExactly("cam-1:976:c3d@1", "cam-1:992:c3d@1"));

        // a repeat of the event at 1 s comes after its id was forgotten with the camera: not recognised (documented)
        assertThat(engine.onEvent(0, fall("cam-1", 1))).isEmpty();
        assertThat(engine.snapshot("cam-1").orElseThrow().recentEventIds()).contains("cam-1:16:c3d@1");
    }

    @Test
    void eachInputPartitionHasItsOwnClock() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        engine.onEvent(0, walk("cam-1", 1));
        engine.onEvent(1, walk("cam-2", 1));
        engine.takeChanges();

        engine.onEvent(1, walk("cam-3", 100));
        assertThat(engine.cameras()).as("partition 0 saw no later event: cam-1 stays")
                .containsExactlyInAnyOrder("cam-1", "cam-3");

        engine.onEvent(0, walk("cam-4", 100));
        assertThat(engine.cameras()).containsExactlyInAnyOrder("cam-3", "cam-4");
        assertThat(engine.takeChanges()).filteredOn(StateChange::forgotten)
                .containsExactly(tombstone(1, "cam-2"), tombstone(0, "cam-1"));
    }

    @Test
    void aCameraCoolingDownIsKeptUntilTheCooldownEnds() throws Exception {
        RuleEngine engine = engine(FALL_WITH_LONG_COOLDOWN, MINUTE);
        assertThat(engine.onEvent(0, fall("cam-1", 1))).hasSize(1);         // cooling down until 601 s
        engine.onEvent(0, walk("cam-2", 200));
        assertThat(engine.cameras()).as("past the expiry, inside the cooldown").contains("cam-1");

        assertThat(engine.onEvent(0, fall("cam-1", 300))).as("still cooling down").isEmpty();
        engine.onEvent(0, walk("cam-2", 600));
        assertThat(engine.cameras()).contains("cam-1");
        engine.onEvent(0, walk("cam-2", 601));
        assertThat(engine.cameras()).as("cooldown over and 301 s without an event").containsExactly("cam-2");
        assertThat(engine.takeChanges()).contains(tombstone(0, "cam-1"));

        assertThat(engine.onEvent(0, fall("cam-1", 602))).hasSize(1);
    }

    @Test
    void aReloadThatDropsACooldownLetsTheCameraExpireAtOnce() throws Exception {
        RuleEngine engine = engine(FALL_WITH_LONG_COOLDOWN, MINUTE);
        engine.onEvent(0, fall("cam-1", 1));
        engine.onEvent(0, walk("cam-2", 200));
        engine.takeChanges();

        engine.replaceRules(RulesLoader.parse(FALL_WITH_LONG_COOLDOWN.replace("10m", "5s"), "test"));

        assertThat(engine.cameras()).containsExactly("cam-2");
        assertThat(engine.takeChanges()).containsExactly(tombstone(0, "cam-1"));
    }

    @Test
    void duplicatesChangeNoStoredState() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        engine.onEvent(0, walk("cam-1", 1));
        engine.takeChanges();
        engine.onEvent(0, walk("cam-1", 1));
        assertThat(engine.takeChanges()).isEmpty();
    }

    @Test
    void restoreForgetsCamerasThatAreAlreadyExpired() throws Exception {
        RuleEngine before = engine(FALL_TWICE, Duration.ofMinutes(10));
        before.onEvent(0, walk("cam-1", 1));
        before.onEvent(0, walk("cam-2", 300));
        Map<String, CameraSnapshot> stored = snapshots(before);

        RuleEngine after = engine(FALL_TWICE, MINUTE);   // restarted with a shorter expiry
        assertThat(after.restore(0, stored)).isEqualTo(1);

        assertThat(after.cameras()).containsExactly("cam-2");
        assertThat(after.takeChanges()).containsExactly(tombstone(0, "cam-1"));
        // the clock is the latest stored event time: cam-2 goes 60 s after it
        after.onEvent(0, walk("cam-3", 359));
        assertThat(after.cameras()).contains("cam-2");
        after.onEvent(0, walk("cam-3", 360));
        assertThat(after.cameras()).containsExactly("cam-3");
    }

    @Test
    void snapshotsWithoutAnEventTimeAreDatedAtTheRestoredClock() throws Exception {
        RuleEngine before = engine(FALL_TWICE, MINUTE);
        before.onEvent(0, fall("cam-old", 1));
        CameraSnapshot old = before.snapshot("cam-old").orElseThrow();
        before.onEvent(0, walk("cam-new", 100));
        Map<String, CameraSnapshot> stored = Map.of("cam-old", new CameraSnapshot(old.recentEventIds(), old.rules()),
                "cam-new", before.snapshot("cam-new").orElseThrow());

        RuleEngine after = engine(FALL_TWICE, MINUTE);
        assertThat(after.restore(0, stored)).isZero();

        assertThat(after.snapshot("cam-old").orElseThrow().lastEventTime()).isEqualTo(at(100).toEpochMilli());
        assertThat(after.takeChanges()).as("stored again, with its date")
                .containsExactly(new StateChange(0, "cam-old", after.snapshot("cam-old").orElseThrow()));
        assertThat(after.onEvent(0, fall("cam-old", 2))).as("its streak survived").hasSize(1);
    }

    @Test
    void snapshotsWithoutAnEventTimeAloneAreDatedByThePartitionsFirstEvent() throws Exception {
        RuleEngine before = engine(FALL_TWICE, MINUTE);
        before.onEvent(0, walk("cam-old", 1));
        CameraSnapshot old = before.snapshot("cam-old").orElseThrow();

        RuleEngine after = engine(FALL_TWICE, MINUTE);
        after.restore(0, Map.of("cam-old", new CameraSnapshot(old.recentEventIds(), old.rules())));
        assertThat(after.takeChanges()).as("no clock yet").isEmpty();
        assertThat(after.cameras()).containsExactly("cam-old");

        after.onEvent(0, walk("cam-1", 500));
        assertThat(after.snapshot("cam-old").orElseThrow().lastEventTime()).isEqualTo(at(500).toEpochMilli());
        after.onEvent(0, walk("cam-1", 559));
        assertThat(after.cameras()).contains("cam-old");
        after.onEvent(0, walk("cam-1", 560));
        assertThat(after.cameras()).containsExactly("cam-1");
    }

    /**
     * A camera whose clock says the year 3000 would move its partition's clock 975 years ahead: every other camera
     * there would be forgotten right after its event, streaks and dedup ids lost. Taken as ending at the wall clock
     * plus the max skew, it expires nobody, and its own camera is forgotten after the expiry like any other.
     */
    @Test
    void anEventFromTheYear3000DoesNotMakeItsPartitionForgetTheOtherCameras() throws Exception {
        Instant[] wall = {at(3)};
        RuleEngine engine = new RuleEngine(RulesLoader.parse(FALL_TWICE, "test"), 100, Duration.ofHours(1),
                Duration.ofMinutes(5), () -> wall[0]);
        engine.onEvent(0, fall("cam-1", 1));
        engine.onEvent(0, walk("cam-2", 2));
        engine.takeChanges();
        ClipEvent year3000 = walk("cam-bad", 2);
        year3000.setEndTime(Instant.parse("3000-01-01T00:00:00Z"));

        engine.onEvent(0, year3000);

        assertThat(engine.cameras()).containsExactlyInAnyOrder("cam-1", "cam-2", "cam-bad");
        assertThat(engine.takeChanges()).noneMatch(StateChange::forgotten);
        Instant bound = at(3).plus(Duration.ofMinutes(5));
        assertThat(engine.takeEventsAheadOfClock()).containsExactly(new EventAheadOfClock(0, "cam-bad",
                year3000.getEventId(), year3000.getEndTime(), bound));
        assertThat(engine.takeEventsAheadOfClock()).as("taken").isEmpty();
        assertThat(engine.snapshot("cam-bad").orElseThrow().lastEventTime()).isEqualTo(bound.toEpochMilli());
        assertThat(engine.onEvent(0, fall("cam-1", 4))).as("cam-1's streak survived").hasSize(1);

        // an hour of ordinary events later, the camera with the wrong clock is forgotten like the silent cam-2
        wall[0] = at(3600 + 300 + 3);
        engine.onEvent(0, walk("cam-1", 3600 + 300 + 3));
        assertThat(engine.cameras()).containsExactly("cam-1");
        assertThat(engine.takeEventsAheadOfClock()).isEmpty();
    }

    @Test
    void forgettingPartitionsDropsTheirCamerasClocksAndUntakenChanges() throws Exception {
        RuleEngine engine = engine(FALL_TWICE, MINUTE);
        engine.onEvent(0, walk("cam-1", 1));
        engine.onEvent(1, walk("cam-2", 1));

        engine.forget(Set.of(1));

        assertThat(engine.cameras()).containsExactly("cam-1");
        assertThat(engine.partitions()).containsExactly(0);
        assertThat(engine.takeChanges()).extracting(StateChange::partition).containsExactly(0);
    }

    /**
     * Many cameras on two partitions, some stopping and coming back, cooldowns shorter and longer than the expiry;
     * the state is stored after every batch of random size as a compacted topic would keep it, and the engine is
     * restarted from it at several points. Alerts and the cameras held must be those of one uninterrupted run, and
     * what is stored must always be exactly the cameras held.
     */
    @Test
    void batchesAndRestartsDecideExactlyAsOneRun() throws Exception {
        String rules = """
                rules:
                  - name: fall
                    labels: [falling]
                    min-consecutive: 2
                    cooldown: 20s
                  - name: run
                    labels: [running]
                    cooldown: 90s
                """;
        Duration expiry = Duration.ofSeconds(30);
        List<Map.Entry<Integer, ClipEvent>> events = randomEvents(new Random(7));

        RuleEngine straight = engine(rules, expiry);
        List<Alert> expected = new ArrayList<>();
        Set<String> forgotten = new TreeSet<>();
        for (Map.Entry<Integer, ClipEvent> event : events) {
            straight.onEvent(event.getKey(), event.getValue()).forEach(raised -> expected.add(raised.alert()));
            straight.takeChanges().stream().filter(StateChange::forgotten).forEach(c -> forgotten.add(c.camera()));
        }
        assertThat(expected).as("alerts").hasSizeGreaterThan(20);
        assertThat(forgotten).as("cameras forgotten at some point").hasSizeGreaterThan(5);

        Random batches = new Random(11);
        for (int restartEvery : List.of(37, 101, 250)) {
            Map<Integer, Map<String, CameraSnapshot>> stored = new TreeMap<>();
            List<Alert> alerts = new ArrayList<>();
            RuleEngine engine = engine(rules, expiry);
            int next = 0;
            while (next < events.size()) {
                int end = Math.min(events.size(), next + 1 + batches.nextInt(20));
                for (Map.Entry<Integer, ClipEvent> event : events.subList(next, end)) {
                    engine.onEvent(event.getKey(), event.getValue()).forEach(raised -> alerts.add(raised.alert()));
                }
                store(engine.takeChanges(), stored);
                assertThat(storedCameras(stored)).as("stored = held after event %d", end).isEqualTo(engine.cameras());
                if (end / restartEvery != next / restartEvery) {
                    engine = engine(rules, expiry);
                    for (Map.Entry<Integer, Map<String, CameraSnapshot>> partition : stored.entrySet()) {
                        engine.restore(partition.getKey(), partition.getValue());
                    }
                    assertThat(engine.takeChanges()).as("nothing to expire on restore").isEmpty();
                }
                next = end;
            }
            assertThat(alerts).as("alerts, restarting every %d events", restartEvery).isEqualTo(expected);
            assertThat(engine.cameras()).isEqualTo(straight.cameras());
        }
    }

    private static Map<String, CameraSnapshot> snapshots(RuleEngine engine) {
        Map<String, CameraSnapshot> snapshots = new HashMap<>();
        engine.cameras().forEach(camera -> snapshots.put(camera, engine.snapshot(camera).orElseThrow()));
        return snapshots;
    }

    /** What a compacted topic keeps: the latest value per partition and key, none after a tombstone. */
    private static void store(List<StateChange> changes, Map<Integer, Map<String, CameraSnapshot>> stored) {
        for (StateChange change : changes) {
            Map<String, CameraSnapshot> partition = stored.computeIfAbsent(change.partition(), p -> new HashMap<>());
            if (change.forgotten()) {
                partition.remove(change.camera());
            } else {
                partition.put(change.camera(), change.snapshot());
            }
        }
    }

    private static Set<String> storedCameras(Map<Integer, Map<String, CameraSnapshot>> stored) {
        Set<String> cameras = new TreeSet<>();
        stored.values().forEach(partition -> cameras.addAll(partition.keySet()));
        return cameras;
    }

    /**
     * 16 cameras over 400 s, camera {@code c} on partition {@code c % 2}: each is on the air for stretches and off
     * for stretches of up to 80 s (so the 30 s expiry forgets it), with some events repeated.
     */
    private static List<Map.Entry<Integer, ClipEvent>> randomEvents(Random random) {
        int cameras = 16;
        int[] switchAt = new int[cameras];
        boolean[] on = new boolean[cameras];
        List<Map.Entry<Integer, ClipEvent>> events = new ArrayList<>();
        for (int second = 1; second <= 400; second++) {
            for (int c = 0; c < cameras; c++) {
                if (second >= switchAt[c]) {
                    on[c] = !on[c];
                    switchAt[c] = second + 5 + random.nextInt(on[c] ? 60 : 80);
                }
                if (!on[c] || random.nextDouble() < 0.3) {
                    continue;
                }
                double roll = random.nextDouble();
                String label = roll < 0.5 ? "falling" : roll < 0.6 ? "running" : "walking";
                ClipEvent event = event("cam-" + c, second, label, 0.9f);
                events.add(Map.entry(c % 2, event));
                if (random.nextDouble() < 0.05) {
                    events.add(Map.entry(c % 2, event));
                }
            }
        }
        return events;
    }
}
