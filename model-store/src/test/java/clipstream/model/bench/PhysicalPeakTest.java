package clipstream.model.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The physical peak read from fixture {@code /proc/cpuinfo} texts of a few kinds of CPU. */
class PhysicalPeakTest {
    private static final String AVX512_FLAGS = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq "
            + "avx512cd avx512bw avx512vl avx512_bf16 amx_bf16 amx_tile amx_int8";
    private static final String AVX2_FLAGS = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2";

    private static String processor(int number, String vendor, int family, int model, String name, String mhz,
                                     int coreId, String flags) {
        return "processor\t: " + number + "\n"
                + "vendor_id\t: " + vendor + "\n"
                + "cpu family\t: " + family + "\n"
                + "model\t\t: " + model + "\n"
                + "model name\t: " + name + "\n"
                + (mhz == null ? "" : "cpu MHz\t\t: " + mhz + "\n")
                + "physical id\t: 0\n"
                + "core id\t\t: " + coreId + "\n"
                + "flags\t\t: " + flags + "\n\n";
    }

    @Test
    void sapphireRapidsHyperThreadsOfOneCoreCountAsOneCoreWithTwoAvx512FmaUnits() {
        String cpuinfo = processor(0, "GenuineIntel", 6, 143, "Intel(R) Xeon(R) Platinum 8488C", "2400.000", 0,
                AVX512_FLAGS)
                + processor(1, "GenuineIntel", 6, 143, "Intel(R) Xeon(R) Platinum 8488C", "2400.000", 0, AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 2);

        assertThat(peak.cores()).isEqualTo(1);
        assertThat(peak.fmaUnits()).isEqualTo(2);
        assertThat(peak.lanes()).isEqualTo(16);
        assertThat(peak.assumption()).isEmpty();
        assertThat(peak.clockSource()).isEqualTo("/proc/cpuinfo cpu MHz");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(1 * 2 * 16 * 2 * 2.4, within(1e-9));
    }

    @Test
    void iceLakeServerTakesTheModelNamesNominalClockWhenCpuMhzIsLower() {
        String name = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz";
        String cpuinfo = processor(0, "GenuineIntel", 6, 106, name, "2899.970", 0, AVX512_FLAGS)
                + processor(1, "GenuineIntel", 6, 106, name, "2899.970", 1, AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 2);

        assertThat(peak.cores()).isEqualTo(2);
        assertThat(peak.clockSource()).isEqualTo("model name's nominal GHz");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(2 * 2 * 16 * 2 * 2.9, within(1e-9));
        assertThat(peak.describe()).contains("371.2 GFLOP/s = 2 cores x 2 FMA units x 16 lanes x 2 x 2.900 GHz");
    }

    @Test
    void avx2CoreHasEightLanesAndTakesCpufreqsMaximumClockFirst() {
        String name = "Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz";
        StringBuilder cpuinfo = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            cpuinfo.append(processor(i, "GenuineIntel", 6, 63, name, "1200.000", i, AVX2_FLAGS));
        }

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo.toString(), Optional.of("3000000\n"), 4);

        assertThat(peak.lanes()).isEqualTo(8);
        assertThat(peak.fmaUnits()).isEqualTo(2);
        assertThat(peak.clockSource()).isEqualTo("cpufreq cpuinfo_max_freq");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(4 * 2 * 8 * 2 * 3.0, within(1e-9));
    }

    @Test
    void coresAreCappedByTheProcessorsThisProcessMayUse() {
        StringBuilder cpuinfo = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            cpuinfo.append(processor(i, "AuthenticAMD", 25, 1, "AMD EPYC 7R13 Processor", "2650.000", i, AVX2_FLAGS));
        }

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo.toString(), Optional.empty(), 2);

        assertThat(peak.cores()).isEqualTo(2);
        assertThat(peak.microarchitecture()).startsWith("AMD Zen 3");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(2 * 2 * 8 * 2 * 2.65, within(1e-9));
    }

    @Test
    void zen4RunsAvx512OnHalfWidthPipesSoCountsOneUnitOfSixteenLanes() {
        String cpuinfo = processor(0, "AuthenticAMD", 25, 17, "AMD EPYC", "2596.150", 0, AVX512_FLAGS)
                + processor(1, "AuthenticAMD", 25, 17, "AMD EPYC", "2596.150", 1, AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 2);

        assertThat(peak.fmaUnits()).isEqualTo(1);
        assertThat(peak.lanes()).isEqualTo(16);
        assertThat(peak.gflops().getAsDouble()).isCloseTo(2 * 1 * 16 * 2 * 2.59615, within(1e-9));
    }

    @Test
    void withoutAnyStatedFrequencyThePeakIsUnknownButTheUnitsAreStillRead() {
        String cpuinfo = processor(0, "AuthenticAMD", 25, 17, "AMD EPYC", null, 0, AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 1);

        assertThat(peak.gflops()).isEmpty();
        assertThat(peak.clockGhz()).isEmpty();
        assertThat(peak.lanes()).isEqualTo(16);
        assertThat(peak.describe()).startsWith("n/a").contains("clock unknown");
    }

    @Test
    void anUnknownAvx512CoreIsAssumedToHaveTwoFmaUnitsAndSaysSo() {
        String cpuinfo = processor(0, "GenuineIntel", 6, 0x99, "Intel(R) Xeon(R) Future CPU @ 2.00GHz", null, 0,
                AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 1);

        assertThat(peak.fmaUnits()).isEqualTo(2);
        assertThat(peak.assumption()).hasValueSatisfying(a -> assertThat(a).contains("2 FMA units"));
        assertThat(peak.describe()).contains("assumed: ");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(1 * 2 * 16 * 2 * 2.0, within(1e-9));
    }

    @Test
    void aStatedClockReplacesTheReportedOne() {
        String cpuinfo = processor(0, "AuthenticAMD", 25, 17, "AMD EPYC", "2596.150", 0, AVX512_FLAGS);

        PhysicalPeak peak = PhysicalPeak.of(cpuinfo, Optional.empty(), 1).withClock(3.7, "--clock-ghz");

        assertThat(peak.clockSource()).isEqualTo("--clock-ghz");
        assertThat(peak.gflops().getAsDouble()).isCloseTo(1 * 1 * 16 * 2 * 3.7, within(1e-9));
        assertThatThrownBy(() -> peak.withClock(0, "--clock-ghz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textWithoutProcessorsIsRefused() {
        assertThatThrownBy(() -> PhysicalPeak.of("nothing here\n", Optional.empty(), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no processor entries");
    }
}
