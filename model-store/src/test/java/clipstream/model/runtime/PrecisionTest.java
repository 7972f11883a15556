package clipstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionTest {
    @TempDir
    Path dir;

    @Test
    void parsesEitherCaseAndNamesTheChoicesOtherwise() {
        assertThat(Precision.parse("bf16")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse(" FP32 ")).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Precision.parse("fp16")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fp32 or bf16").hasMessageContaining("fp16");
        assertThatThrownBy(() -> Precision.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyBf16TurnsOnTheOneDnnRewrite() {
        ClassifierOptions fp32 = new ClassifierOptions(dir, "m", null, "cpu", 2, 1);
        var exact = fp32.sessionConfig().getGraphOptions().getRewriteOptions();
        var mixed = fp32.withPrecision(Precision.BF16).sessionConfig().getGraphOptions().getRewriteOptions();

        assertThat(fp32.precision()).isEqualTo(Precision.FP32);
        assertThat(exact.getAutoMixedPrecisionOnednnBfloat16())
                .isNotEqualTo(org.tensorflow.proto.RewriterConfig.Toggle.ON);
        assertThat(mixed.getAutoMixedPrecisionOnednnBfloat16()).isEqualTo(org.tensorflow.proto.RewriterConfig.Toggle.ON);
        assertThat(fp32.withPrecision(Precision.BF16).withModel("n", "2").precision()).isEqualTo(Precision.BF16);
        assertThat(fp32.withPrecision(Precision.BF16).sessionConfig().getIntraOpParallelismThreads()).isEqualTo(2);
    }

    @Test
    void readsTheCpuFlagsOfTheFirstProcessor() throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n\n"
                + "processor\t: 1\nflags\t\t: fpu\n");
        assertThat(Precision.cpuFlags(cpuinfo)).contains("avx512_bf16", "fpu").doesNotContain("amx_bf16");
        assertThat(Precision.cpuFlags(dir.resolve("missing"))).isEmpty();
    }
}
