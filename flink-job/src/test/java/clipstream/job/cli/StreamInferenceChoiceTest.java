package clipstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.ConfigException;
import clipstream.job.config.JobConfig;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelManifest;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --inference auto|stream|clips}: streams where the model has a stream mode and the stride fits it. */
class StreamInferenceChoiceTest {

    private static JobConfig config(String... args) {
        CommandLine cli = JobCommand.commandLine(args);
        cli.parseArgs(args);
        JobConfig config = ((JobCommand) cli.getCommand()).config();
        return config.withClips(config.clips().forModelClipLength(32));
    }

    private static ModelManifest manifest(boolean stream) {
        return new ModelManifest(ModelManifest.FORMAT, stream ? "c3d-small-stream" : "c3d-small", "1",
                stream ? "c3d-small-stream" : "c3d-small", "test",
                ModelManifest.Input.uint8(new InputShape(32, 64, 64, 3)), List.of("a", "b"),
                new ModelManifest.NormalizationSpec(new float[] {0, 0, 0}, new float[] {1, 1, 1}, true),
                new ModelManifest.SignatureSpec("serving_default", "clips", "probabilities", true), 1, 1,
                "2026-12-05T00:00:00Z", null, null, null, null, null, null,
                stream ? new ModelManifest.StreamSpec("stream", "chunk", "probabilities", 8, List.of(
                        new ModelManifest.StateSpec("conv1_state", "conv1_next_state", new long[] {2, 64, 64, 3})))
                        : null);
    }

    @Test
    void autoStreamsAStreamModelAtAStrideThatFitsAndClipsOtherwise() {
        JobConfig stride16 = config("--bootstrap", "127.0.0.1:9092", "--stride", "16");
        assertThat(JobCommand.streamInference(manifest(true), stride16, "auto")).contains("chunks of 16 frames")
                .contains("24576 state floats");
        assertThat(JobCommand.streamInference(manifest(true), config("--bootstrap", "127.0.0.1:9092", "--stride", "8"),
                null)).contains("chunks of 8 frames");
        assertThat(JobCommand.streamInference(manifest(false), stride16, "auto")).isNull();
        assertThat(JobCommand.streamInference(manifest(true), stride16, "clips")).isNull();
        // 12 is no multiple of the model's 8-frame chunks
        JobConfig stride12 = config("--bootstrap", "127.0.0.1:9092", "--stride", "12");
        assertThat(JobCommand.streamInference(manifest(true), stride12, "auto")).isNull();
        assertThatThrownBy(() -> JobCommand.streamInference(manifest(true), stride12, "stream"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--stride 12");
    }

    @Test
    void streamIsRefusedForAModelWithoutAStreamModeAndNonsenseIsRefused() {
        JobConfig config = config("--bootstrap", "127.0.0.1:9092");
        assertThatThrownBy(() -> JobCommand.streamInference(manifest(false), config, "stream"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("has no stream mode");
        assertThatThrownBy(() -> JobCommand.streamInference(manifest(true), config, "fast"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto, stream or clips");
        assertThat(config("--bootstrap", "127.0.0.1:9092", "--inference", "clips")).isNotNull();
    }
}
