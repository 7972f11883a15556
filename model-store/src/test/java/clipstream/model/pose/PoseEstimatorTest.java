package clipstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.store.ModelStoreException;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed pose model on real photographs (see src/test/resources/pose/README.md for their sources and
 * licences): how many people it finds and where, within a tolerance of what it found when it was imported.
 */
class PoseEstimatorTest {
    private static final Path STORE = Path.of("").toAbsolutePath().getFileName().toString().equals("model-store")
            ? Path.of("") : Path.of("model-store");
    private static final float MIN_PERSON_SCORE = 0.25f;
    private static final float PIXELS = 30;

    private static PoseEstimator estimator;

    @BeforeAll
    static void open() {
        estimator = PoseEstimator.open(new ClassifierOptions(STORE, "movenet-multipose", null, "cpu", 2, 1), 0);
    }

    @AfterAll
    static void close() {
        if (estimator != null) {
            estimator.close();
        }
    }

    private record Frame(byte[] rgb, int width, int height) {
    }

    @Test
    void theAstronautIsOnePersonWithHerHeadWhereItIs() throws Exception {
        Frame frame = frame("astronaut.jpg");
        List<PersonPose> people = estimator.estimate(frame.rgb(), frame.width(), frame.height(), MIN_PERSON_SCORE);

        assertThat(people).hasSize(1);
        PersonPose astronaut = people.get(0);
        assertThat(astronaut.xMin()).isCloseTo(18, within(PIXELS));
        assertThat(astronaut.xMax()).isCloseTo(360, within(PIXELS));
        assertThat(astronaut.yMin()).isCloseTo(10, within(PIXELS));
        assertThat(astronaut.yMax()).isCloseTo(509, within(PIXELS));
        PersonPose.Keypoint nose = astronaut.keypoints().get(0);
        assertThat(nose.x()).isCloseTo(225, within(PIXELS));
        assertThat(nose.y()).isCloseTo(123, within(PIXELS));
        assertThat(nose.score()).isGreaterThan(0.5f);
        assertThat(astronaut.keypoints()).hasSize(17);
    }

    @Test
    void theCameramanIsOnePersonStandingOnTheLeft() throws Exception {
        Frame frame = frame("cameraman.jpg");
        List<PersonPose> people = estimator.estimate(frame.rgb(), frame.width(), frame.height(), MIN_PERSON_SCORE);

        assertThat(people).hasSize(1);
        PersonPose man = people.get(0);
        assertThat(man.xMin()).isCloseTo(9, within(PIXELS));
        assertThat(man.xMax()).isCloseTo(320, within(PIXELS));
        assertThat(man.yMin()).isCloseTo(61, within(PIXELS));
        assertThat(man.yMax()).isCloseTo(506, within(PIXELS));
    }

    @Test
    void bothPeopleSideBySideAreFoundInAWideFrameAtTheirPlaces() throws Exception {
        Frame left = frame("astronaut.jpg");
        Frame right = frame("cameraman.jpg");
        byte[] wide = new byte[1024 * 512 * 3];
        for (int y = 0; y < 512; y++) {
            System.arraycopy(left.rgb(), y * 512 * 3, wide, y * 1024 * 3, 512 * 3);
            System.arraycopy(right.rgb(), y * 512 * 3, wide, (y * 1024 + 512) * 3, 512 * 3);
        }
        // 1024x512 letterboxed into 384x384: each person is smaller than above, as on a wide camera
        try (PoseEstimator larger = PoseEstimator.open(
                new ClassifierOptions(STORE, "movenet-multipose", null, "cpu", 2, 1), 384)) {
            List<PersonPose> people = larger.estimate(wide, 1024, 512, MIN_PERSON_SCORE);

            assertThat(people).hasSize(2);
            List<Float> centres = people.stream().map(p -> (p.xMin() + p.xMax()) / 2).sorted().toList();
            assertThat(centres.get(0)).isBetween(100f, 300f);
            assertThat(centres.get(1)).isBetween(512 + 60f, 512 + 260f);
        }
    }

    @Test
    void anEmptyFrameHasNobodyInIt() {
        byte[] grey = new byte[320 * 240 * 3];
        java.util.Arrays.fill(grey, (byte) 128);
        assertThat(estimator.estimate(grey, 320, 240, MIN_PERSON_SCORE)).isEmpty();
    }

    @Test
    void aFrameOfTheWrongSizeIsRefusedBeforeTheModelRuns() {
        assertThatThrownBy(() -> estimator.estimate(new byte[10], 4, 4, MIN_PERSON_SCORE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 48 bytes");
    }

    @Test
    void anActionModelIsNotAPoseModel() {
        assertThatThrownBy(() -> PoseEstimator.open(new ClassifierOptions(STORE, "c3d-small", null, "cpu", 1, 1), 0))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("is not a pose model");
    }

    private static Frame frame(String name) throws Exception {
        try (InputStream in = PoseEstimatorTest.class.getResourceAsStream("/pose/" + name)) {
            BufferedImage image = ImageIO.read(in);
            int w = image.getWidth();
            int h = image.getHeight();
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = image.getRGB(x, y);
                    int i = (y * w + x) * 3;
                    rgb[i] = (byte) (p >> 16);
                    rgb[i + 1] = (byte) (p >> 8);
                    rgb[i + 2] = (byte) p;
                }
            }
            return new Frame(rgb, w, h);
        }
    }
}
