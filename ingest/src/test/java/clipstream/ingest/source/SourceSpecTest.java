package clipstream.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.media.people.PeopleScene;
import clipstream.media.people.PersonAction;
import clipstream.media.synthetic.MotionAction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceSpecTest {

    @Test
    void networkUrlsAreLiveStreams() {
        assertThat(SourceSpec.parse("rtsp://10.0.0.7:554/stream1", "cam")).isEqualTo(
                new SourceSpec.LiveStream("rtsp://10.0.0.7:554/stream1"));
        assertThat(SourceSpec.parse("http://127.0.0.1:8080/video.mjpg", "cam"))
                .isInstanceOf(SourceSpec.LiveStream.class);
        assertThat(SourceSpec.parse("tcp://127.0.0.1:9000", "cam")).isInstanceOf(SourceSpec.LiveStream.class);
    }

    @Test
    void httpUrlOfAVideoFileIsARecording() {
        assertThat(SourceSpec.parse("https://example.org/clips/walk.MP4?token=1", "cam"))
                .isEqualTo(new SourceSpec.Recording("https://example.org/clips/walk.MP4?token=1", null));
    }

    @Test
    void pathsAreVideoFilesAndDirectoriesAreImageFolders(@TempDir Path dir) throws IOException {
        assertThat(SourceSpec.parse(dir.toString(), "cam")).isEqualTo(new SourceSpec.ImageFolder(dir));
        assertThat(SourceSpec.parse("videos/lobby.mp4", "cam")).isEqualTo(
                new SourceSpec.Recording("videos/lobby.mp4", null));
        assertThat(SourceSpec.parse(dir.resolve("x.mkv").toUri().toString(), "cam")).isEqualTo(
                new SourceSpec.Recording(dir.resolve("x.mkv").toString(), null));
    }

    @Test
    void lavfiGraphsForceTheLavfiFormat() {
        assertThat(SourceSpec.parse("lavfi:testsrc=size=320x240:rate=25", "cam")).isEqualTo(
                new SourceSpec.Recording("testsrc=size=320x240:rate=25", "lavfi"));
    }

    @Test
    void syntheticSourcesNameAnActionOrRandomWithOptionalSeedAndSegment() {
        assertThat(SourceSpec.parse("synthetic:left", "cam-1")).isEqualTo(
                new SourceSpec.Synthetic(Optional.of(MotionAction.LEFT), "cam-1".hashCode(),
                        SourceSpec.DEFAULT_SEGMENT_FRAMES));
        assertThat(SourceSpec.parse("synthetic:random?seed=7&segment=32", "cam-1")).isEqualTo(
                new SourceSpec.Synthetic(Optional.empty(), 7, 32));
        assertThatThrownBy(() -> SourceSpec.parse("synthetic:sideways", "cam-1"))
                .hasMessageContaining("sideways").hasMessageContaining("left");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic:left?speed=3", "cam-1"))
                .hasMessageContaining("speed=3");
    }

    @Test
    void syntheticPeopleCamerasNameAnActionOrRandomWithTheirPeopleSeedSegmentSizeAndRate() {
        assertThat(SourceSpec.parse("synthetic-people:random", "door-1")).isEqualTo(
                new SourceSpec.SyntheticPeople(Optional.empty(), SourceSpec.DEFAULT_PEOPLE, "door-1".hashCode(),
                        SourceSpec.DEFAULT_PEOPLE_SEGMENT_FRAMES, 640, 480, OptionalDouble.empty()));
        SourceSpec parsed = SourceSpec.parse("synthetic-people:sit-down?people=3&seed=9&segment=48&size=960x540&fps=15",
                "door-1");
        assertThat(parsed).isEqualTo(new SourceSpec.SyntheticPeople(Optional.of(PersonAction.SIT_DOWN), 3, 9, 48, 960,
                540, OptionalDouble.of(15)));
        assertThat(parsed.describe()).isEqualTo("synthetic-people:sit_down?people=3&seed=9&segment=48&size=960x540"
                + "&fps=15.0");
        assertThat(SourceSpec.parse(parsed.describe(), "other")).as("what describe says parses back").isEqualTo(parsed);
        PeopleScene scene = ((SourceSpec.SyntheticPeople) parsed).scene(25);
        assertThat(scene.people()).isEqualTo(3);
        assertThat(scene.fps()).as("its own rate over ingest's").isEqualTo(15);
        assertThat(scene.width()).isEqualTo(960);

        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:moonwalk", "cam-1"))
                .hasMessageContaining("moonwalk").hasMessageContaining("sit_down");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:walk?crowd=3", "cam-1"))
                .hasMessageContaining("crowd=3").hasMessageContaining("people=N");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:walk?people=17", "cam-1"))
                .hasMessageContaining("people=1-16");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:walk?people=4&size=100x480", "cam-1"))
                .hasMessageContaining("32x32");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:walk?size=640", "cam-1"))
                .hasMessageContaining("WxH");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:walk?fps=0", "cam-1"))
                .hasMessageContaining("fps");
        assertThatThrownBy(() -> SourceSpec.parse("synthetic-people:", "cam-1"))
                .hasMessageContaining("needs an action");
    }
}
