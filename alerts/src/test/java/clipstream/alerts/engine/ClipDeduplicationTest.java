package clipstream.alerts.engine;

import static clipstream.alerts.fixtures.ClipEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.fixtures.PersonEvents;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.RulesLoader;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deduplication by clip ({@link Deduplication#CLIP}), as a consumer reading uncommitted events needs it: events of an
 * aborted transaction are seen, then the job's replay writes the same clips again, with the same ids or, after a model
 * change, with other ones.
 */
class ClipDeduplicationTest {
    private static final String TWO_FALLS = """
            rules:
              - name: fall
                labels: [falling]
                min-score: 0.8
                min-consecutive: 2
            """;

    private static RuleEngine engine(Deduplication deduplication, int window) throws Exception {
        RuleSet rules = RulesLoader.parse(TWO_FALLS, "test");
        return new RuleEngine(rules, window, deduplication, RuleEngine.DEFAULT_CAMERA_EXPIRY,
                RuleEngine.DEFAULT_MAX_CLOCK_SKEW, InstantSource.system());
    }

    /** Clip {@code second} of cam-1 as model version {@code version} labels it (its id has the version). */
    private static ClipEvent labelledBy(String version, int second, String label) {
        ClipEvent event = event("cam-1", second, label, 0.9f);
        event.setModelVersion(version);
        event.setEventId("cam-1:" + event.getFirstSeq() + ":c3d@" + version);
        return event;
    }

    private static List<Alert> run(RuleEngine engine, List<ClipEvent> events) {
        return RuleEngineTest.run(engine, events);
    }

    @Test
    void aReplayWithTheSameIdsCountsEachEventOnce() throws Exception {
        List<ClipEvent> aborted = List.of(labelledBy("1", 1, "falling"), labelledBy("1", 2, "falling"),
                labelledBy("1", 3, "falling"));
        List<ClipEvent> replay = List.of(labelledBy("1", 2, "falling"), labelledBy("1", 3, "falling"),
                labelledBy("1", 4, "falling"));
        for (Deduplication deduplication : Deduplication.values()) {
            RuleEngine engine = engine(deduplication, 16);
            List<Alert> alerts = run(engine, aborted);
            alerts.addAll(run(engine, replay));

            assertThat(alerts).as(deduplication.name()).extracting(Alert::getEventIds).containsExactly(
                    List.of("cam-1:16:c3d@1", "cam-1:32:c3d@1"), List.of("cam-1:48:c3d@1", "cam-1:64:c3d@1"));
        }
    }

    /**
     * The aborted transaction had clip 1 labelled by version 1; the replay labels clips 1 and 2 with version 2 (other
     * ids). By clip, clip 1 counts once, as first seen: the alert is clips 1 and 2. By id, clip 1 would count twice
     * and alert alone.
     */
    @Test
    void aReplayUnderAnotherModelVersionCountsEachClipOnceAsFirstSeen() throws Exception {
        List<ClipEvent> events = List.of(labelledBy("1", 1, "falling"), labelledBy("2", 1, "falling"),
                labelledBy("2", 2, "falling"));

        assertThat(run(engine(Deduplication.CLIP, 16), events)).extracting(Alert::getEventIds)
                .containsExactly(List.of("cam-1:16:c3d@1", "cam-1:32:c3d@2"));
        assertThat(run(engine(Deduplication.EVENT_ID, 16), events)).extracting(Alert::getEventIds)
                .as("by id, the same clip twice").containsExactly(List.of("cam-1:16:c3d@1", "cam-1:16:c3d@2"));
    }

    /** A version 2 label that differs does not undo what version 1's label of the same clip did. */
    @Test
    void theFirstLabelOfAClipDecidesItsStreak() throws Exception {
        RuleEngine engine = engine(Deduplication.CLIP, 16);
        List<Alert> alerts = run(engine, List.of(labelledBy("1", 1, "falling"), labelledBy("2", 1, "walking"),
                labelledBy("2", 2, "falling")));

        assertThat(alerts).extracting(Alert::getEventIds).containsExactly(List.of("cam-1:16:c3d@1", "cam-1:32:c3d@2"));
    }

    @Test
    void peopleInTheSameClipAreDifferentClips() throws Exception {
        RuleEngine engine = new RuleEngine(RulesLoader.parse(PersonEvents.PEOPLE_RULES, "test"), 16,
                Deduplication.CLIP, RuleEngine.DEFAULT_CAMERA_EXPIRY, RuleEngine.DEFAULT_MAX_CLOCK_SKEW,
                InstantSource.system());
        List<Alert> alerts = run(engine, List.of(PersonEvents.event("cam-1", 1, 1, "fall", 0.9f),
                PersonEvents.event("cam-1", 2, 1, "fall", 0.9f)));

        assertThat(alerts).extracting(Alert::getTrackId).containsExactly(1L, 2L);
    }

    /** The window stays at most {@code dedupWindow} keys, and a clip older than that is counted again. */
    @Test
    void theWindowIsBounded() throws Exception {
        RuleEngine engine = engine(Deduplication.CLIP, 4);
        for (int second = 1; second <= 10; second++) {
            engine.onEvent(labelledBy("1", second, "walking"));
        }
        assertThat(engine.snapshot("cam-1").orElseThrow().recentEventIds()).hasSize(4)
                .allMatch(key -> key.startsWith("clip/"));
        assertThat(engine.onEvent(labelledBy("2", 7, "falling"))).isEmpty();
        assertThat(engine.snapshot("cam-1").orElseThrow().rules()).as("clip 7 is in the window: a repeat").isEmpty();
        engine.onEvent(labelledBy("2", 5, "falling"));
        assertThat(engine.onEvent(labelledBy("2", 6, "falling"))).as("clips 5 and 6 fell out of the window: counted")
                .hasSize(1);
    }

    /**
     * Across a restart that switches the option: ids remembered by a read_committed run still stop a repeat by id,
     * and clips remembered by a read_uncommitted run still stop a repeat of the clip after switching back.
     */
    @Test
    void repeatsAreRecognisedAcrossASwitchOfTheOption() throws Exception {
        RuleEngine byId = engine(Deduplication.EVENT_ID, 16);
        byId.onEvent(labelledBy("1", 1, "falling"));
        RuleEngine byClip = engine(Deduplication.CLIP, 16);
        byClip.restore(0, Map.of("cam-1", byId.snapshot("cam-1").orElseThrow()));
        assertThat(byClip.onEvent(labelledBy("1", 1, "falling"))).isEmpty();
        assertThat(byClip.snapshot("cam-1").orElseThrow().recentEventIds()).containsExactly("cam-1:16:c3d@1");

        byClip.onEvent(labelledBy("1", 2, "walking"));
        RuleEngine backById = engine(Deduplication.EVENT_ID, 16);
        backById.restore(0, Map.of("cam-1", byClip.snapshot("cam-1").orElseThrow()));
        assertThat(backById.onEvent(labelledBy("2", 2, "falling"))).isEmpty();
        assertThat(backById.snapshot("cam-1").orElseThrow().rules()).as("clip 2 was a repeat: no streak").isEmpty();
    }

    @Test
    void theClipKeyIsTheEventIdWithoutTheModelVersion() {
        ClipEvent v1 = labelledBy("1", 3, "falling");
        assertThat(Deduplication.clipKey(v1)).isEqualTo(Deduplication.clipKey(labelledBy("2", 3, "walking")))
                .isEqualTo("clip/-/48/" + v1.getStartTime().toEpochMilli())
                .isNotEqualTo(Deduplication.clipKey(labelledBy("1", 4, "falling")));
        assertThat(Deduplication.clipKey(PersonEvents.event("cam-1", 7, 3, "fall", 0.9f))).startsWith("clip/7/");
    }
}
