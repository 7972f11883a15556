package clipstream.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.media.synthetic.MotionAction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
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
}
