package clipstream.alerts.state;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.CameraCondition;
import clipstream.alerts.engine.CameraHealthSnapshot;
import clipstream.alerts.engine.CameraSnapshot;
import clipstream.alerts.engine.HealthTrackSnapshot;
import clipstream.alerts.engine.PersonSnapshot;
import clipstream.alerts.engine.RuleSnapshot;
import clipstream.alerts.engine.StreakEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

    @Test
    void aSnapshotWrittenBeforeCamerasExpiredStillReadsWithoutAnEventTime() throws Exception {
        // exactly what the state topic holds from before lastEventTime existed
        String old = """
                {"recentEventIds":["cam-1:16:c3d@1","cam-1:32:c3d@1"],"rules":{"fall":{"trigger":"3f2a9c0d1e4b5a6f",\
                "streak":[{"eventId":"cam-1:32:c3d@1","label":"falling","score":0.9,"startTime":1764000001000,\
                "endTime":1764000002000}],"lastAlertTime":1764000001000}}}""";

        CameraSnapshot snapshot = SnapshotCodec.decode(old.getBytes(StandardCharsets.UTF_8));

        assertThat(snapshot.lastEventTime()).isNull();
        assertThat(snapshot.recentEventIds()).containsExactly("cam-1:16:c3d@1", "cam-1:32:c3d@1");
        assertThat(snapshot.rules()).isEqualTo(Map.of("fall", new RuleSnapshot("3f2a9c0d1e4b5a6f",
                List.of(new StreakEvent("cam-1:32:c3d@1", "falling", 0.9f, 1764000001000L, 1764000002000L)),
                1764000001000L)));
    }

    @Test
    void theLastEventTimeSurvivesARoundTrip() throws Exception {
        CameraSnapshot snapshot = new CameraSnapshot(List.of("cam-1:16:c3d@1"),
                Map.of("fall", new RuleSnapshot("3f2a9c0d1e4b5a6f", List.of(), null)), 1764000002000L);

        byte[] json = SnapshotCodec.encode(snapshot);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"lastEventTime\":1764000002000");
        assertThat(SnapshotCodec.decode(json)).isEqualTo(snapshot);
    }

    @Test
    void peopleSurviveARoundTripUnderTheirTrackIds() throws Exception {
        RuleSnapshot running = new RuleSnapshot("9a8b7c6d5e4f3a2b",
                List.of(new StreakEvent("cam-1:16:posec3d-small@1:track-7", "run", 0.9f, 1764000000000L,
                        1764000001000L)), null);
        CameraSnapshot snapshot = new CameraSnapshot(List.of("cam-1:16:posec3d-small@1:track-7"), Map.of(),
                1764000001000L, List.of(new PersonSnapshot(7, Map.of("person-running", running), 1764000001000L),
                new PersonSnapshot(9, Map.of("person-fell", new RuleSnapshot("1a2b3c4d5e6f7a8b", List.of(),
                        1764000000500L)), 1764000000500L)));

        byte[] json = SnapshotCodec.encode(snapshot);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"people\":[{\"trackId\":7,");
        assertThat(SnapshotCodec.decode(json)).isEqualTo(snapshot);
    }

    @Test
    void aSnapshotWrittenBeforePeopleWereKeptReadsWithNone() throws Exception {
        String old = """
                {"recentEventIds":["cam-1:16:c3d@1"],"rules":{},"lastEventTime":1764000001000}""";

        CameraSnapshot snapshot = SnapshotCodec.decode(old.getBytes(StandardCharsets.UTF_8));

        assertThat(snapshot.people()).isEmpty();
        assertThat(snapshot).isEqualTo(new CameraSnapshot(List.of("cam-1:16:c3d@1"), Map.of(), 1764000001000L));
    }

    @Test
    void aCamerasHealthSurvivesARoundTripAndIsLeftOutWhereThereIsNone() throws Exception {
        CameraSnapshot snapshot = new CameraSnapshot(List.of("cam-1:16:c3d@1"), Map.of(), 1764000001000L, List.of(),
                new CameraHealthSnapshot(1764000001500L, "cam-1:16:c3d@1", 1764000001000L, Map.of("camera-down",
                        new HealthTrackSnapshot("5e4f3a2b1c0d9e8f", CameraCondition.OFFLINE, 1764000009000L,
                                1764000008000L, null, 1764000000000L, 24.8f))));

        byte[] json = SnapshotCodec.encode(snapshot);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"condition\":\"OFFLINE\"");
        assertThat(SnapshotCodec.decode(json)).isEqualTo(snapshot);
        CameraSnapshot none = new CameraSnapshot(List.of("cam-1:16:c3d@1"), Map.of(), 1764000001000L);
        assertThat(new String(SnapshotCodec.encode(none), StandardCharsets.UTF_8)).isEqualTo("""
                {"recentEventIds":["cam-1:16:c3d@1"],"rules":{},"lastEventTime":1764000001000,"people":[]}""");
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(none)).health()).isNull();
    }
}
