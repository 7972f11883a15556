package clipstream.ingest.source;

import clipstream.media.synthetic.SyntheticCamera;
import clipstream.media.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Real video files for tests, written through FFmpeg from the synthetic motion-actions camera. */
public final class TestFootage {
    private TestFootage() {
    }

    /** {@code frames} frames of {@code width x height} at 25 fps in {@code file} (container from its extension). */
    public static Path video(Path file, int width, int height, int frames) throws IOException {
        SyntheticCamera camera = new SyntheticCamera(width, height, Optional.empty(), 16, 11);
        try (VideoWriter writer = VideoWriter.create(file, width, height, 25)) {
            for (int i = 0; i < frames; i++) {
                writer.write(camera.frame(i));
            }
        }
        return file;
    }
}
