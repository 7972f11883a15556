package clipstream.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage errors end before anything starts, with exit code 2 and a message naming the flag. */
class DemoCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand(new PrintStream(out, true, StandardCharsets.UTF_8)));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Result result = run("--help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("--cameras", "--seconds", "--source", "--store", "--model");
    }

    @Test
    void zeroCamerasIsAUsageError() {
        Result result = run("--cameras", "0");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--cameras must be between 1 and 64");
    }

    @Test
    void aMissingModelIsAUsageErrorNamingTheStore(@TempDir Path emptyStore) {
        Result result = run("--store", emptyStore.toString(), "--summary", emptyStore.resolve("s.json").toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("c3d-small", "no CURRENT version", "--store " + emptyStore);
    }

    @Test
    void thePeoplePathIsOnForRealFootageOffForSyntheticCamerasAndEitherWayOnRequest() {
        assertThat(DemoCommand.poseModel(null, java.util.List.of("street.mp4"), "movenet-multipose"))
                .contains("movenet-multipose");
        assertThat(DemoCommand.poseModel(null, java.util.List.of(), "movenet-multipose")).isEmpty();
        assertThat(DemoCommand.poseModel(true, java.util.List.of(), "movenet-multipose")).contains("movenet-multipose");
        assertThat(DemoCommand.poseModel(false, java.util.List.of("street.mp4"), "movenet-multipose")).isEmpty();
        assertThat(run("--help").out()).contains("--[no-]people", "--pose-model");
    }
}
