package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Writes contact sheets of every action under target/pose-contact-sheets/ for a person to look at. */
class PoseContactSheetTest {
    private static final Path SHEETS = Path.of("target", "pose-contact-sheets");

    @Test
    void everyActionIsDrawnCleanAndAsThePoseModelWouldReportIt() throws IOException {
        PoseContactSheet sheet = new PoseContactSheet(8, 120, 0.3);
        for (KeypointNoise noise : List.of(KeypointNoise.NONE, KeypointNoise.DEFAULTS)) {
            PoseClipGenerator generator = new PoseClipGenerator(PoseClipSettings.DEFAULTS.withNoise(noise));
            List<PoseClip> clips = new ArrayList<>();
            for (PersonAction action : PersonAction.values()) {
                clips.add(generator.generate(action, 1000 + action.ordinal()));
            }
            Path png = SHEETS.resolve(noise == KeypointNoise.NONE ? "clean.png" : "noisy.png");
            sheet.write(clips, png);

            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(8 * 120);
            assertThat(image.getHeight()).isEqualTo(PersonAction.values().length * (120 + 16));
            assertThat(Files.size(png)).isGreaterThan(10_000);
        }
    }
}
