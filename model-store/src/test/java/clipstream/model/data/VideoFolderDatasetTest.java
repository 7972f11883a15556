package clipstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.media.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFolderDatasetTest {
    @TempDir
    Path root;

    private void video(String label, String name, int frames, int red) throws IOException {
        Path folder = Files.createDirectories(root.resolve(label));
        try (VideoWriter writer = VideoWriter.create(folder.resolve(name), 48, 32, 25)) {
            byte[] rgb = new byte[48 * 32 * 3];
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = (byte) red;
                rgb[i + 2] = (byte) (255 - red);
            }
            for (int f = 0; f < frames; f++) {
                writer.write(rgb);
            }
        }
    }

    @Test
    void everyLabelFolderBecomesAClassAndEveryVideoClipsOfTheModelSize() throws IOException {
        video("jump", "a.mp4", 20, 250);
        video("jump", "b.mp4", 9, 250);
        video("wave", "c.mp4", 40, 10);
        video("wave", "short.mp4", 5, 10);
        Files.writeString(root.resolve("wave/notes.txt"), "not a video");

        ClipDataset data = VideoFolderDataset.read(root, 8, 16, 24, 2);

        assertThat(data.labelNames()).containsExactly("jump", "wave");
        // a.mp4: 2 clips (capped), b.mp4: 1, c.mp4: 2 (capped), short.mp4: none
        assertThat(data.labels()).containsExactly(0, 0, 0, 1, 1);
        for (byte[] clip : data.clips()) {
            assertThat(clip).hasSize(8 * 16 * 24 * 3);
        }
        // colour survives decoding and scaling: red dominates in "jump", blue in "wave"
        assertThat(data.clips()[0][0] & 0xFF).isGreaterThan(200);
        assertThat(data.clips()[4][2] & 0xFF).isGreaterThan(200);
    }

    @Test
    void aFolderWithoutTwoLabelsIsRefused() throws IOException {
        video("only", "a.mp4", 10, 100);

        assertThatThrownBy(() -> VideoFolderDataset.read(root, 8, 16, 16, 1))
                .hasMessageContaining("at least two label folders");
        assertThatThrownBy(() -> VideoFolderDataset.read(root.resolve("nope"), 8, 16, 16, 1))
                .hasMessageContaining("is not a folder");
    }
}
