package clipstream.model.cli;

import clipstream.model.bench.ModelBenchmark;
import clipstream.model.runtime.Precision;
import clipstream.model.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code model bench}: throughput of each architecture, serving path vs bare session, as a share of the physical and
 * of the measured MatMul peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Clips/s and GFLOP/s per architecture and batch size (serving path and raw TF session), "
                + "as % of the CPU's physical FP32 peak (cores x FMA units x lanes x 2 x clock) and of the best "
                + "MatMul measured; resident memory over many batches. Writes target/bench/model.json.")
final class ModelBenchCommand implements Callable<Integer> {

    @Option(names = "--architectures", split = ",",
            description = "Default: seed-conv3d,c3d-small,frame2d,c3d,posec3d-small")
    List<String> architectures = List.of(ModelZoo.SEED_CONV3D, ModelZoo.C3D_SMALL, ModelZoo.FRAME2D, ModelZoo.C3D,
            ModelZoo.POSEC3D_SMALL);

    @Option(names = "--batches", split = ",", description = "Batch sizes. Default: 1,4,8,16")
    List<Integer> batches = List.of(1, 4, 8, 16);

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per measurement. Default: ${DEFAULT-VALUE}")
    double seconds;

    @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--memory-batches", defaultValue = "2000",
            description = "Serving batches for the resident-memory check (0: skip). Default: ${DEFAULT-VALUE}")
    int memoryBatches;

    @Option(names = "--matmul-sizes", split = ",",
            description = "Square MatMul sizes swept for the measured peak. Default: 1024,2048,4096")
    List<Integer> matMulSizes = List.of(1024, 2048, 4096);

    @Option(names = "--matmul-threads", split = ",",
            description = "Intra-op thread counts swept for the measured peak (default: half the cores, all cores, "
                    + "and --threads)")
    List<Integer> matMulThreads;

    @Option(names = "--clock-ghz",
            description = "Core clock for the physical peak, e.g. the all-core boost clock where the CPU reports only "
                    + "its nominal one (default: cpufreq's maximum, else /proc/cpuinfo)")
    Double clockGhz;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "The serving path's arithmetic (the raw graph stays fp32): bf16 is oneDNN's bfloat16 mixed"
                    + " precision. Default: ${DEFAULT-VALUE}")
    String precision;

    @Option(names = "--out", defaultValue = "target/bench/model.json", description = "Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (String a : architectures) {
            if (!ModelZoo.names().contains(a)) {
                throw new IllegalArgumentException("Unknown architecture '" + a + "'; known: " + ModelZoo.names());
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int modelThreads = threads != null ? threads : cores;
        List<Integer> sweepThreads = matMulThreads != null ? matMulThreads
                : Stream.of(Math.max(1, cores / 2), cores, modelThreads).distinct().sorted().toList();
        Path work = Files.createTempDirectory("clipstream-model-bench");
        new ModelBenchmark(new ModelBenchmark.Settings(architectures, batches, seconds, modelThreads, memoryBatches,
                work, out, matMulSizes, sweepThreads, clockGhz != null ? OptionalDouble.of(clockGhz)
                : OptionalDouble.empty(), Precision.parse(precision)), System.out).run();
        return 0;
    }
}
