package clipstream.dashboard.board;

import static clipstream.dashboard.fixtures.Records.T0;
import static clipstream.dashboard.fixtures.Records.alert;
import static clipstream.dashboard.fixtures.Records.event;
import static clipstream.dashboard.fixtures.Records.personEvent;
import static clipstream.dashboard.fixtures.Records.poses;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.DeadLetterReason;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class CameraBoardTest {
    private static final Duration THUMBNAIL_EVERY = Duration.ofMillis(500);
    private final AtomicLong clock = new AtomicLong(T0);
    private final BoardLimits limits = new BoardLimits(4, 3, 2, Duration.ofSeconds(5), Duration.ofSeconds(60));
    private final CameraBoard board = new CameraBoard(limits, clock::get);

    @Test
    void aNewCameraBeyondTheLimitDropsTheOneHeardFromLeastRecently() {
        for (int i = 1; i <= 4; i++) {
            board.frame("cam-" + i, 0, 0, T0, THUMBNAIL_EVERY);
        }
        board.frame("cam-1", 0, 1, T0, THUMBNAIL_EVERY);   // cam-2 is now the least recent
        board.event(event("cam-5", "left", 0.9f, "c3d-small", "2", T0), T0);

        BoardView view = board.changesSince(-1);
        assertThat(view.health()).extracting(CameraHealth::id).containsExactlyInAnyOrder("cam-1", "cam-3", "cam-4",
                "cam-5");
        assertThat(view.totals().camerasEvicted()).isEqualTo(1);
        assertThat(board.cameras()).isEqualTo(4);
    }

    @Test
    void theAlertHistoryKeepsTheNewestAlertsOnceEach() {
        for (int i = 1; i <= 5; i++) {
            board.alert(alert("a" + i, "rule", "cam-1", "left", T0 + i), T0 + i);
        }
        board.alert(alert("a5", "rule", "cam-1", "left", T0 + 5), T0 + 5);   // a replay: same id

        assertThat(board.changesSince(-1).alerts()).extracting(AlertEntry::alertId).containsExactly("a5", "a4", "a3");
    }

    @Test
    void aPageGetsOnlyWhatChangedSinceItsVersionAndAFullViewWhenItMissedAlerts() {
        board.event(event("cam-1", "left", 0.9f, "c3d-small", "2", T0), T0);
        board.event(event("cam-2", "right", 0.8f, "c3d-small", "2", T0), T0);
        BoardView first = board.changesSince(-1);
        assertThat(first.full()).isTrue();
        assertThat(first.cameras()).hasSize(2);

        board.event(event("cam-2", "up", 0.7f, "c3d-small", "2", T0 + 1280), T0 + 1280);
        board.alert(alert("a1", "moving", "cam-2", "up", T0 + 1280), T0 + 1280);
        BoardView next = board.changesSince(first.version());
        assertThat(next.full()).isFalse();
        assertThat(next.cameras()).extracting(CameraTile::id).containsExactly("cam-2");
        assertThat(next.cameras().get(0).event().label()).isEqualTo("up");
        assertThat(next.alerts()).extracting(AlertEntry::alertId).containsExactly("a1");
        assertThat(next.health()).hasSize(2);

        for (int i = 2; i <= 5; i++) {   // a1 and a2 fall out of the history of 3
            board.alert(alert("a" + i, "moving", "cam-2", "up", T0 + i), T0 + i);
        }
        assertThat(board.changesSince(next.version()).full()).isTrue();
        assertThat(board.changesSince(board.version()).full()).isFalse();
    }

    @Test
    void framesAreSampledForThumbnailsAtMostOncePerInterval() {
        assertThat(board.frame("cam-1", 0, 0, T0, THUMBNAIL_EVERY)).isTrue();
        clock.addAndGet(40);
        assertThat(board.frame("cam-1", 0, 1, T0 + 40, THUMBNAIL_EVERY)).isFalse();
        clock.addAndGet(460);
        assertThat(board.frame("cam-1", 0, 2, T0 + 500, THUMBNAIL_EVERY)).isTrue();
        assertThat(board.frame("cam-2", 1, 0, T0 + 500, THUMBNAIL_EVERY)).as("each camera its own").isTrue();
    }

    @Test
    void seqGapsCountAsDroppedFramesAndACameraStartingOverDoesNot() {
        board.frame("cam-1", 0, 10, T0, THUMBNAIL_EVERY);
        board.frame("cam-1", 0, 11, T0, THUMBNAIL_EVERY);
        board.frame("cam-1", 0, 15, T0, THUMBNAIL_EVERY);   // 12, 13, 14 missing
        board.frame("cam-1", 0, 14, T0, THUMBNAIL_EVERY);   // late: no gap
        board.frame("cam-1", 0, 0, T0, THUMBNAIL_EVERY);    // not far behind: late too
        assertThat(health("cam-1").dropped()).isEqualTo(3);

        board.frame("cam-2", 1, 5000, T0, THUMBNAIL_EVERY);
        board.frame("cam-2", 1, 0, T0, THUMBNAIL_EVERY);    // starting over
        board.frame("cam-2", 1, 1, T0, THUMBNAIL_EVERY);
        assertThat(health("cam-2").dropped()).isZero();
    }

    @Test
    void aCameraGoesStalledThenOfflineWhenItsFramesStopAndLiveWhenTheyCome() {
        board.frame("cam-1", 0, 0, T0, THUMBNAIL_EVERY);
        assertThat(health("cam-1").state()).isEqualTo(HealthState.LIVE);
        clock.set(T0 + 6_000);
        assertThat(health("cam-1").state()).isEqualTo(HealthState.STALLED);
        clock.set(T0 + 61_000);
        assertThat(health("cam-1").state()).isEqualTo(HealthState.OFFLINE);
        board.frame("cam-1", 0, 1, T0 + 61_000, THUMBNAIL_EVERY);
        assertThat(health("cam-1").state()).isEqualTo(HealthState.LIVE);
    }

    @Test
    void aFrameStampedInTheFutureCountsAsNowNotAsLiveForever() {
        board.frame("cam-1", 0, 0, T0 + 3_600_000, THUMBNAIL_EVERY);
        clock.set(T0 + 61_000);
        assertThat(health("cam-1").state()).isEqualTo(HealthState.OFFLINE);
    }

    @Test
    void deadLettersAreCountedByReasonForKnownCamerasOnlyAndNeverMakeOne() {
        board.frame("cam-1", 0, 0, T0, THUMBNAIL_EVERY);
        board.deadLetter("cam-1", DeadLetterReason.CORRUPT_IMAGE);
        board.deadLetter("cam-1", DeadLetterReason.CORRUPT_IMAGE);
        board.deadLetter("cam-1", DeadLetterReason.LATE);
        board.deadLetter("not a camera \u0000", DeadLetterReason.INVALID_CAMERA_ID);
        board.deadLetter(null, DeadLetterReason.UNDECODABLE);

        BoardView view = board.changesSince(-1);
        assertThat(view.health()).hasSize(1);
        assertThat(view.health().get(0).deadLetters()).isEqualTo(Map.of("CORRUPT_IMAGE", 2L, "LATE", 1L));
        assertThat(view.totals().deadLetters()).containsEntry("CORRUPT_IMAGE", 2L).containsEntry("UNDECODABLE", 1L)
                .containsEntry("INVALID_CAMERA_ID", 1L).containsEntry("LATE", 1L);
    }

    @Test
    void eachPersonsLatestLabelIsKeptForTheMostRecentTracksOnly() {
        board.event(personEvent("cam-1", 1, "walk", T0), T0);
        board.event(personEvent("cam-1", 2, "run", T0), T0);
        board.event(personEvent("cam-1", 1, "fall", T0 + 1), T0 + 1);
        board.event(personEvent("cam-1", 3, "wave", T0 + 2), T0 + 2);   // track 2 is the least recent: dropped

        CameraTile tile = board.changesSince(-1).cameras().get(0);
        assertThat(tile.personEvents()).extracting(EventView::trackId).containsExactly(1L, 3L);
        assertThat(tile.personEvents()).extracting(EventView::label).containsExactly("fall", "wave");
        assertThat(tile.event()).as("no whole-frame event").isNull();
    }

    @Test
    void theLatestPosesAreKeptForTheTileAndDecodedAtMostOncePerInterval() {
        Duration every = Duration.ofMillis(100);
        assertThat(board.posesSeen("cam-1", T0, every)).isTrue();
        board.poses(poses("cam-1", 7, 2));
        assertThat(board.posesSeen("cam-1", T0, every)).isFalse();

        CameraTile tile = board.changesSince(-1).cameras().get(0);
        assertThat(tile.people().seq()).isEqualTo(7);
        assertThat(tile.people().people()).hasSize(2);
        assertThat(tile.people().people().get(0).keypoints()).hasSize(17 * 3);
        assertThat(health("cam-1").state()).as("poses are input too").isEqualTo(HealthState.LIVE);
        assertThat(health("cam-1").posesPerSecond()).isZero();   // this second is not over yet
    }

    @Test
    void aNewModelVersionIsNotedOnceEvenWhenOldAndNewEventsInterleave() {
        board.event(event("cam-1", "left", 0.9f, "c3d-small", "2", T0), T0);
        clock.set(T0 + 10_000);
        board.event(event("cam-1", "left", 0.9f, "c3d-small", "3", T0 + 1), T0 + 1);
        board.event(event("cam-2", "left", 0.9f, "c3d-small", "2", T0 + 2), T0 + 2);   // a partition behind
        board.event(event("cam-2", "left", 0.9f, "c3d-small", "3", T0 + 3), T0 + 3);

        BoardView view = board.changesSince(-1);
        assertThat(view.models()).extracting(ModelEntry::name, ModelEntry::version)
                .containsExactly(Tuple.tuple("c3d-small", "3"));
        assertThat(view.modelChanges()).containsExactly(new ModelChange("c3d-small", "2", "3", T0 + 10_000));
    }

    @Test
    void theJobsLagIsShownOnEachCameraOfThePartition() {
        board.frame("cam-1", 0, 0, T0, THUMBNAIL_EVERY);
        board.frame("cam-2", 1, 0, T0, THUMBNAIL_EVERY);
        board.event(event("cam-3", "left", 0.9f, "c3d-small", "2", T0), T0);   // no frame: no partition
        board.jobLag(Map.of(0, 12L, 1, 0L));

        assertThat(health("cam-1").jobLag()).isEqualTo(12);
        assertThat(health("cam-2").jobLag()).isZero();
        assertThat(health("cam-3").jobLag()).isEqualTo(-1);
    }

    @Test
    void onlyValidCameraIdsAreTaken() {
        assertThat(CameraBoard.isCameraId("cam-1")).isTrue();
        assertThat(CameraBoard.isCameraId("lobby.east:2_b")).isTrue();
        assertThat(CameraBoard.isCameraId("")).isFalse();
        assertThat(CameraBoard.isCameraId(null)).isFalse();
        assertThat(CameraBoard.isCameraId("cam 1")).isFalse();
        assertThat(CameraBoard.isCameraId("x".repeat(129))).isFalse();
    }

    @Test
    void aWaitingPageWakesUpOnAChange() throws Exception {
        long version = board.version();
        Thread writer = new Thread(() -> board.event(event("cam-1", "left", 0.9f, "c3d-small", "2", T0), T0));
        writer.start();
        assertThat(board.awaitChange(version, 10_000)).isGreaterThan(version);
        writer.join();
    }

    private CameraHealth health(String camera) {
        return board.changesSince(-1).health().stream().filter(h -> h.id().equals(camera)).findFirst().orElseThrow();
    }
}
