package clipstream.model.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The arithmetic a served model computes in. {@link #FP32}: float32 throughout, as trained. {@link #BF16}: TensorFlow's
 * oneDNN mixed-precision rewrite ({@code auto_mixed_precision_onednn_bfloat16}) runs the convolutions and matrix
 * products in bfloat16 (float32 accumulation; softmax, normalisation and the state outputs stay float32), with the
 * same saved weights. Fast where the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16:
 * {@link #nativeBf16OnThisCpu()}); elsewhere oneDNN emulates it, slower than float32. Measured: {@code
 * docs/benchmarks.md}.
 */
public enum Precision {
    FP32, BF16;

    /** {@code fp32} or {@code bf16}, either case; fails naming the choices. */
    public static Precision parse(String text) {
        for (Precision precision : values()) {
            if (precision.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return precision;
            }
        }
        throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + text + "'");
    }

    /** The lower-case name: {@code fp32}, {@code bf16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this CPU computes bfloat16 natively ({@code avx512_bf16} or {@code amx_bf16} among the flags of
     * {@code /proc/cpuinfo}); false where that cannot be read (not Linux).
     */
    public static boolean nativeBf16OnThisCpu() {
        Set<String> flags = cpuFlags(Path.of("/proc/cpuinfo"));
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /** Warns, once per model loaded, when bfloat16 is asked for on a CPU that can only emulate it. */
    static void warnIfEmulated(Precision precision, String model, org.slf4j.Logger log) {
        if (precision == BF16 && !nativeBf16OnThisCpu()) {
            log.warn("{} runs in bf16 on a CPU without native bfloat16 (no avx512_bf16 or amx_bf16 flag): oneDNN"
                    + " emulates it, slower than fp32", model);
        }
    }

    /** The flags of the first processor in a {@code /proc/cpuinfo} file; empty where it cannot be read. */
    static Set<String> cpuFlags(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags")).findFirst()
                    .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
