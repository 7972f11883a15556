package clipstream.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MicroBenchmarksTest {

    // In this JVM (no fork: surefire's class path is not one a forked JVM could start from), and iterations of
    // 50 ms: a check that every benchmark runs and lands in the JSON, not a measurement.
    private static final String[] TINY = {"--quick", "--forks", "0", "--iteration-ms", "50", "--jmh-output", "SILENT"};

    @Test
    void codecSuiteWritesEveryOperationForEveryFrame(@TempDir Path dir) throws Exception {
        JsonNode json = run("codec", dir);

        assertThat(json.get("suite").asText()).isEqualTo("codec");
        assertThat(json.get("cores").asInt()).isPositive();
        assertThat(json.get("time").asText()).isNotEmpty();
        JsonNode benchmarks = json.get("benchmarks");
        assertThat(benchmarks).hasSize(3 * 2 * 2); // encode, toBytes, decode × RGB24, JPEG × 64, 112
        for (JsonNode benchmark : benchmarks) {
            assertThat(benchmark.get("name").asText()).isIn("encode", "toBytes", "decode");
            assertThat(benchmark.get("params").get("encoding").asText()).isIn("RGB24", "JPEG");
            assertThat(benchmark.get("params").get("size").asInt()).isIn(64, 112);
            assertThat(benchmark.get("score").asDouble()).as(benchmark.toString()).isPositive();
            assertThat(benchmark.get("unit").asText()).isEqualTo("us/op");
        }
        JsonNode rows = json.get("results");
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) {
            assertThat(row.get("bytes").asInt()).as(row.toString()).isPositive();
            assertThat(row.get("encode_us").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("to_bytes_us").asDouble()).as(row.toString()).isPositive();
            assertThat(row.get("decode_us").asDouble()).as(row.toString()).isPositive();
        }
    }

    @Test
    void topKSuiteWritesEveryClassCountAndK(@TempDir Path dir) throws Exception {
        JsonNode json = run("topk", dir);

        assertThat(json.get("suite").asText()).isEqualTo("topk");
        JsonNode benchmarks = json.get("benchmarks");
        assertThat(benchmarks).hasSize(2 * 2); // 10, 101 classes × k = 3, 5
        for (JsonNode benchmark : benchmarks) {
            assertThat(benchmark.get("name").asText()).isEqualTo("bestFirst");
            assertThat(benchmark.get("params").get("classes").asInt()).isIn(10, 101);
            assertThat(benchmark.get("params").get("k").asInt()).isIn(3, 5);
            assertThat(benchmark.get("score").asDouble()).as(benchmark.toString()).isPositive();
            assertThat(benchmark.get("unit").asText()).isEqualTo("ns/op");
        }
    }

    @Test
    void theOldPositionalIterationsIsABadUsage() {
        assertThat(MicroBenchmarks.execute("codec", "20000")).isEqualTo(2);
    }

    private static JsonNode run(String suite, Path dir) throws Exception {
        String[] args = new String[TINY.length + 3];
        args[0] = suite;
        System.arraycopy(TINY, 0, args, 1, TINY.length);
        args[TINY.length + 1] = "--out";
        args[TINY.length + 2] = dir.toString();

        assertThat(MicroBenchmarks.execute(args)).isZero();

        return new ObjectMapper().readTree(dir.resolve(suite + ".json").toFile());
    }
}
