package clipstream.alerts.engine;

import static clipstream.alerts.fixtures.PersonEvents.PEOPLE_RULES;
import static clipstream.alerts.fixtures.PersonEvents.box;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.fixtures.PersonEvents;
import clipstream.alerts.rules.RulesLoader;
import clipstream.alerts.state.SnapshotCodec;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Person events (with a track id): streaks and cooldowns per person, their state bounded and stored (RuleEngine). */
class PersonRulesTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static RuleEngine engine(String rules) throws Exception {
        return new RuleEngine(RulesLoader.parse(rules, "test"), 100);
    }

    private static RuleEngine engine(String rules, Duration expiry) throws Exception {
        return new RuleEngine(RulesLoader.parse(rules, "test"), 100, expiry);
    }

    private static ClipEvent person(long track, int second, String label) {
        return PersonEvents.event("cam-1", track, second, label, 0.9f);
    }

    private static ClipEvent wholeFrame(int second, String label) {
        return ClipEvents.event("cam-1", second, label, 0.9f);
    }

    private static List<Alert> run(RuleEngine engine, List<ClipEvent> events) {
        List<Alert> alerts = new ArrayList<>();
        events.forEach(event -> engine.onEvent(event).forEach(raised -> alerts.add(raised.alert())));
        return alerts;
    }

    private static List<Long> people(RuleEngine engine, String camera) {
        return engine.snapshot(camera).orElseThrow().people().stream().map(PersonSnapshot::trackId).toList();
    }

    @Test
    void oneRunsForTwoClipsWhileAnotherWalksBetween() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);

        List<Alert> alerts = run(engine, List.of(person(1, 1, "run"), person(2, 1, "walk"), person(1, 2, "run"),
                person(2, 2, "run")));

        Alert alert = alerts.stream().filter(a -> a.getRule().equals("person-running")).findFirst().orElseThrow();
        assertThat(alerts).as("person 2 ran once only").hasSize(1);
        assertThat(alert.getTrackId()).isEqualTo(1L);
        assertThat(alert.getCameraId()).isEqualTo("cam-1");
        assertThat(alert.getEventIds()).containsExactly(person(1, 1, "run").getEventId(),
                person(1, 2, "run").getEventId());
        assertThat(alert.getBox()).as("where the completing clip saw them").isEqualTo(box(1, 2));
        assertThat(alert.getAlertId())
                .isEqualTo(RuleEngine.alertId("person-running", "cam-1", 1L, person(1, 2, "run").getEventId()))
                .isNotEqualTo(RuleEngine.alertId("person-running", "cam-1", person(1, 2, "run").getEventId()));
    }

    @Test
    void aPersonsAlertIdIsANameBasedUuidOfRuleCameraTrackAndEvent() {
        String name = "person-fell\u0000cam-1\u0000track 7\u0000cam-1:16:posec3d-small@1:track-7";
        assertThat(RuleEngine.alertId("person-fell", "cam-1", 7L, "cam-1:16:posec3d-small@1:track-7"))
                .isEqualTo(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(RuleEngine.alertId("person-fell", "cam-1", null, "cam-1:16:c3d@1"))
                .as("a camera's alert keeps its id")
                .isEqualTo(RuleEngine.alertId("person-fell", "cam-1", "cam-1:16:c3d@1"))
                .isEqualTo(UUID.nameUUIDFromBytes("person-fell\u0000cam-1\u0000cam-1:16:c3d@1"
                        .getBytes(StandardCharsets.UTF_8)).toString());
    }

    @Test
    void aPersonsOwnOtherLabelBreaksTheirStreak() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        assertThat(run(engine, List.of(person(1, 1, "run"), person(1, 2, "walk"), person(1, 3, "run")))).isEmpty();
        assertThat(run(engine, List.of(person(1, 4, "run")))).extracting(Alert::getTrackId).containsExactly(1L);
    }

    @Test
    void aFallAlertsOncePerPersonAndEachPersonHasTheirOwnCooldown() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        List<String> fell = new ArrayList<>();
        int[][] falls = {{1, 1}, {1, 2}, {2, 3}, {1, 30}, {1, 31}, {2, 32}, {2, 33}};  // {track, second}
        for (int[] fall : falls) {
            engine.onEvent(person(fall[0], fall[1], "fall"))
                    .forEach(raised -> fell.add(raised.alert().getTrackId() + "@" + fall[1]));
        }
        // 1 alerts at 1 s and not again before 31 s; 2 falls during 1's cooldown and alerts, then waits until 33 s
        assertThat(fell).containsExactly("1@1", "2@3", "1@31", "2@33");
    }

    @Test
    void wholeFrameEventsAndPeopleKeepApartStreaks() throws Exception {
        String rules = PEOPLE_RULES + """
                  - name: something-approaching
                    labels: [approach]
                    min-consecutive: 2
                """;
        RuleEngine engine = engine(rules);
        List<Alert> alerts = run(engine, List.of(wholeFrame(1, "approach"), person(1, 1, "walk"), person(2, 1, "run"),
                wholeFrame(2, "approach"), wholeFrame(3, "still"), person(2, 3, "run")));

        assertThat(alerts).extracting(a -> a.getRule() + "/" + a.getTrackId()).containsExactly(
                "something-approaching/null",   // the camera's streak, not broken by person 1 walking
                "person-running/2");            // person 2's streak, not broken by the whole-frame 'still'
        assertThat(alerts.get(0).getBox()).isNull();
        assertThat(alerts.get(0).getAlertId())
                .isEqualTo(RuleEngine.alertId("something-approaching", "cam-1", wholeFrame(2, "x").getEventId()));
    }

    @Test
    void aRuleMatchesWholeFrameAndPersonEventsEachInItsOwnStreak() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        List<Alert> alerts = run(engine, List.of(wholeFrame(1, "run"), person(4, 1, "run"), wholeFrame(2, "run"),
                person(4, 2, "run")));
        assertThat(alerts).extracting(Alert::getTrackId).containsExactly(null, 4L);
        assertThat(alerts.get(1).getEventIds()).containsExactly(person(4, 1, "run").getEventId(),
                person(4, 2, "run").getEventId());
    }

    @Test
    void duplicatesOfAPersonsEventChangeNothing() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        engine.onEvent(person(1, 1, "run"));
        engine.takeChanges();
        assertThat(engine.onEvent(person(1, 1, "run"))).isEmpty();
        assertThat(engine.takeChanges()).isEmpty();
        assertThat(engine.onEvent(person(1, 2, "run"))).hasSize(1);
    }

    @Test
    void onlyPeopleWithAStreakOrACooldownAreHeld() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        for (long track = 1; track <= 50; track++) {
            engine.onEvent(person(track, 1, "walk"));
        }
        assertThat(people(engine, "cam-1")).as("walkers hold nothing").isEmpty();

        engine.onEvent(person(1, 2, "run"));     // a streak of 1
        engine.onEvent(person(2, 2, "fall"));    // an alert, then its cooldown
        assertThat(people(engine, "cam-1")).containsExactly(1L, 2L);
        CameraSnapshot snapshot = engine.snapshot("cam-1").orElseThrow();
        assertThat(snapshot.rules()).as("nothing for whole-frame events").isEmpty();
        assertThat(snapshot.people().get(0).rules()).containsOnlyKeys("person-running");
        assertThat(snapshot.people().get(1).rules()).containsOnlyKeys("person-fell");
        assertThat(snapshot.people().get(1).rules().get("person-fell").streak()).isEmpty();

        engine.onEvent(person(1, 3, "walk"));    // breaks 1's streak: nothing left of them
        assertThat(people(engine, "cam-1")).containsExactly(2L);
    }

    @Test
    void aPersonIdleForTheExpiryIsForgottenWhileTheCameraLives() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES, MINUTE);
        engine.onEvent(person(1, 1, "run"));
        engine.onEvent(person(2, 31, "run"));
        engine.onEvent(person(3, 60, "walk"));
        assertThat(people(engine, "cam-1")).containsExactly(1L, 2L);

        engine.onEvent(person(3, 61, "walk"));   // 60 s after 1's only event
        assertThat(people(engine, "cam-1")).containsExactly(2L);
        assertThat(engine.takeChanges()).singleElement()
                .satisfies(change -> assertThat(change.snapshot().people()).extracting(PersonSnapshot::trackId)
                        .containsExactly(2L));
        assertThat(engine.onEvent(person(1, 62, "run"))).as("their streak started afresh").isEmpty();
        assertThat(engine.onEvent(person(2, 62, "run"))).as("2 was idle for 31 s only").hasSize(1);
    }

    @Test
    void aPersonsOwnEventsKeepThemFromExpiring() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES, MINUTE);
        assertThat(run(engine, List.of(person(1, 1, "run"), person(1, 2, "run")))).hasSize(1);  // cooling until 22 s
        engine.onEvent(person(1, 50, "run"));    // a streak of 1, 48 s after their previous event
        engine.onEvent(person(3, 70, "walk"));   // 69 s after their first event, 20 s after their last
        assertThat(people(engine, "cam-1")).containsExactly(1L);
        assertThat(engine.onEvent(person(1, 71, "run"))).hasSize(1);
    }

    @Test
    void aPersonCoolingDownIsKeptPastTheExpiryAndKeepsTheirCamera() throws Exception {
        String longCooldown = PEOPLE_RULES.replace("cooldown: 30s", "cooldown: 10m");
        RuleEngine engine = engine(longCooldown, MINUTE);
        assertThat(engine.onEvent(person(1, 1, "fall"))).hasSize(1);       // cooling down until 601 s
        engine.onEvent(PersonEvents.event("cam-2", 9, 300, "walk", 0.9f));
        assertThat(engine.cameras()).as("cam-1 is kept for its person's cooldown").contains("cam-1");
        engine.onEvent(person(2, 300, "walk"));
        assertThat(people(engine, "cam-1")).containsExactly(1L);
        assertThat(engine.onEvent(person(1, 400, "fall"))).as("still cooling down").isEmpty();

        engine.onEvent(person(2, 460, "walk"));   // 60 s after 1's last event, inside the cooldown
        assertThat(people(engine, "cam-1")).containsExactly(1L);
        assertThat(engine.onEvent(person(1, 601, "fall"))).as("cooldown over").hasSize(1);
    }

    @Test
    void peopleAreForgottenWithTheirCamera() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES, MINUTE);
        engine.onEvent(person(1, 1, "run"));
        engine.onEvent(PersonEvents.event("cam-2", 1, 61, "walk", 0.9f));

        assertThat(engine.cameras()).containsExactly("cam-2");
        assertThat(engine.takeChanges()).contains(new StateChange(0, "cam-1", null));
        assertThat(engine.onEvent(person(1, 62, "run"))).isEmpty();
    }

    @Test
    void aCameraHoldsAtMostTheCapOfPeopleDroppingTheLongestIdleFirst() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        int more = 10;
        for (int i = 0; i < RuleEngine.MAX_PEOPLE_PER_CAMERA + more; i++) {
            engine.onEvent(person(1000 - i, 1 + i / 100, "run"));   // 100 people a second, higher ids first
        }
        List<Long> held = people(engine, "cam-1");
        assertThat(held).hasSize(RuleEngine.MAX_PEOPLE_PER_CAMERA);
        // the first second's 100 people are the longest idle; among them the lower ids went first
        assertThat(held).doesNotContainAnyElementsOf(List.of(901L, 905L, 910L)).contains(911L, 1000L, 1000L - 265);

        assertThat(engine.onEvent(person(905, 4, "run"))).as("dropped: a streak of 1 again").isEmpty();
        assertThat(engine.onEvent(person(1000, 4, "run"))).as("held: its streak completes").hasSize(1);
        assertThat(people(engine, "cam-1")).hasSize(RuleEngine.MAX_PEOPLE_PER_CAMERA);
    }

    @Test
    void aReloadDropsThePeopleOfAChangedRule() throws Exception {
        RuleEngine engine = engine(PEOPLE_RULES);
        engine.onEvent(person(1, 1, "run"));
        engine.onEvent(person(2, 1, "fall"));
        engine.replaceRules(RulesLoader.parse(PEOPLE_RULES.replace("min-consecutive: 2", "min-consecutive: 3"), "t"));

        assertThat(people(engine, "cam-1")).as("person-running changed; person-fell's cooldown kept")
                .containsExactly(2L);
        assertThat(engine.onEvent(person(2, 2, "fall"))).isEmpty();
    }

    @Test
    void peopleSurviveTheStateTopicsJsonAndARestart() throws Exception {
        RuleEngine before = engine(PEOPLE_RULES);
        run(before, List.of(person(1, 1, "run"), person(2, 1, "fall"), person(3, 1, "walk")));

        RuleEngine after = engine(PEOPLE_RULES);
        CameraSnapshot stored = SnapshotCodec.decode(SnapshotCodec.encode(before.snapshot("cam-1").orElseThrow()));
        assertThat(stored).isEqualTo(before.snapshot("cam-1").orElseThrow());
        after.restore(0, Map.of("cam-1", stored));

        assertThat(after.snapshot("cam-1")).isEqualTo(before.snapshot("cam-1"));
        List<ClipEvent> next = List.of(person(1, 2, "run"), person(2, 10, "fall"), person(2, 31, "fall"));
        assertThat(run(after, next)).as("1's streak and 2's cooldown survived").isEqualTo(run(before, next))
                .extracting(a -> a.getRule() + "/" + a.getTrackId())
                .containsExactly("person-running/1", "person-fell/2");
    }

    @Test
    void aSnapshotStoredBeforePeopleWereKeptStillRestores() throws Exception {
        // exactly what the state topic holds from before people were kept: a camera's streak of 2 of 3
        String old = """
                {"recentEventIds":["cam-1:16:c3d@1","cam-1:32:c3d@1"],"rules":{"fall":{"trigger":"TRIGGER",\
                "streak":[{"eventId":"cam-1:16:c3d@1","label":"falling","score":0.9,"startTime":1764000000000,\
                "endTime":1764000001000},{"eventId":"cam-1:32:c3d@1","label":"falling","score":0.9,\
                "startTime":1764000001000,"endTime":1764000002000}],"lastAlertTime":null}},\
                "lastEventTime":1764000002000}""";
        String rules = ClipEvents.FALL_RULES + PEOPLE_RULES.replace("rules:\n", "");
        String trigger = RulesLoader.parse(rules, "t").rule("fall").orElseThrow().trigger();
        CameraSnapshot snapshot =
                SnapshotCodec.decode(old.replace("TRIGGER", trigger).getBytes(StandardCharsets.UTF_8));
        assertThat(snapshot.people()).isEmpty();

        RuleEngine engine = engine(rules);
        assertThat(engine.restore(0, Map.of("cam-1", snapshot))).isZero();

        assertThat(engine.onEvent(person(7, 3, "fall"))).as("a person's event leaves the camera's streak alone")
                .extracting(raised -> raised.alert().getRule()).containsExactly("person-fell");
        assertThat(engine.onEvent(wholeFrame(3, "falling")))
                .extracting(raised -> raised.alert().getEventCount()).containsExactly(3);
        assertThat(people(engine, "cam-1")).containsExactly(7L);
    }

    /**
     * Two cameras on two partitions, each with people coming and going (new track ids), some idle past the expiry,
     * whole-frame events in between; the state goes through the state topic's JSON after every batch of random size,
     * and the engine restarts from it at several points. Alerts must be those of one uninterrupted run.
     */
    @Test
    void batchesAndRestartsWithPeopleDecideExactlyAsOneRun() throws Exception {
        String rules = PEOPLE_RULES + """
                  - name: anything-fast
                    labels: [run, kick, punch]
                    min-consecutive: 3
                    cooldown: 45s
                """;
        Duration expiry = Duration.ofSeconds(40);
        List<Map.Entry<Integer, ClipEvent>> events = randomPeople(new Random(3));

        RuleEngine straight = engine(rules, expiry);
        List<Alert> expected = new ArrayList<>();
        for (Map.Entry<Integer, ClipEvent> event : events) {
            straight.onEvent(event.getKey(), event.getValue()).forEach(raised -> expected.add(raised.alert()));
        }
        assertThat(expected).as("alerts").hasSizeGreaterThan(30);
        assertThat(expected).as("person alerts").filteredOn(a -> a.getTrackId() != null).hasSizeGreaterThan(20);

        Random batches = new Random(5);
        for (int restartEvery : List.of(23, 101, 333)) {
            Map<Integer, Map<String, byte[]>> stored = new TreeMap<>();
            List<Alert> alerts = new ArrayList<>();
            RuleEngine engine = engine(rules, expiry);
            int next = 0;
            while (next < events.size()) {
                int end = Math.min(events.size(), next + 1 + batches.nextInt(15));
                for (Map.Entry<Integer, ClipEvent> event : events.subList(next, end)) {
                    engine.onEvent(event.getKey(), event.getValue()).forEach(raised -> alerts.add(raised.alert()));
                }
                for (StateChange change : engine.takeChanges()) {
                    Map<String, byte[]> partition = stored.computeIfAbsent(change.partition(), p -> new HashMap<>());
                    if (change.forgotten()) {
                        partition.remove(change.camera());
                    } else {
                        partition.put(change.camera(), SnapshotCodec.encode(change.snapshot()));
                    }
                }
                if (end / restartEvery != next / restartEvery) {
                    engine = engine(rules, expiry);
                    for (Map.Entry<Integer, Map<String, byte[]>> partition : stored.entrySet()) {
                        Map<String, CameraSnapshot> snapshots = new HashMap<>();
                        for (Map.Entry<String, byte[]> camera : partition.getValue().entrySet()) {
                            snapshots.put(camera.getKey(), SnapshotCodec.decode(camera.getValue()));
                        }
                        engine.restore(partition.getKey(), snapshots);
                    }
                }
                next = end;
            }
            assertThat(alerts).as("alerts, restarting every %d events", restartEvery).isEqualTo(expected);
        }
    }

    /**
     * 600 s of two cameras: each second up to 4 people on the air (a person stays 5-60 s, then a new track id takes
     * their place; some leave for 50-90 s and come back with their id), each with a label drawn per clip, and now
     * and then a whole-frame event; some events repeated.
     */
    private static List<Map.Entry<Integer, ClipEvent>> randomPeople(Random random) {
        String[] labels = {"run", "run", "walk", "fall", "kick", "stand", "punch"};
        List<Map.Entry<Integer, ClipEvent>> events = new ArrayList<>();
        long[][] track = {{1, 2, 3, 4}, {101, 102, 103, 104}};
        int[][] until = new int[2][4];
        int[][] backAt = new int[2][4];
        long nextTrack = 1000;
        for (int second = 1; second <= 600; second++) {
            for (int c = 0; c < 2; c++) {
                String camera = "cam-" + c;
                for (int slot = 0; slot < 4; slot++) {
                    if (second >= until[c][slot]) {
                        if (random.nextDouble() < 0.2) {
                            backAt[c][slot] = second + 50 + random.nextInt(40);
                        } else {
                            track[c][slot] = nextTrack++;
                        }
                        until[c][slot] = second + 5 + random.nextInt(55);
                    }
                    if (second < backAt[c][slot] || random.nextDouble() < 0.25) {
                        continue;
                    }
                    String label = labels[random.nextInt(labels.length)];
                    ClipEvent event = PersonEvents.event(camera, track[c][slot], second, label, 0.9f);
                    events.add(Map.entry(c, event));
                    if (random.nextDouble() < 0.03) {
                        events.add(Map.entry(c, event));
                    }
                }
                if (random.nextDouble() < 0.3) {
                    events.add(Map.entry(c, ClipEvents.event(camera, second, random.nextBoolean() ? "run" : "still",
                            0.9f)));
                }
            }
        }
        return events;
    }
}
