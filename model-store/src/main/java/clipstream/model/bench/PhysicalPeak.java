package clipstream.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's physical float32 peak, computed from what the CPU says about itself rather than measured:
 * {@code cores × FMA units per core × vector lanes × 2 (multiply and add) × clock}.
 *
 * <ul>
 *   <li><b>Cores</b>: distinct ({@code physical id}, {@code core id}) pairs in {@code /proc/cpuinfo} (hyper-threads
 *   share their core's FMA units), else the number of {@code processor} entries; at most the processors this JVM may
 *   use ({@link Runtime#availableProcessors()}).</li>
 *   <li><b>Vector lanes</b> (float32) from the flags: 16 with {@code avx512f}, 8 with {@code avx}/{@code avx2},
 *   else 4 (SSE).</li>
 *   <li><b>FMA units per core</b> per microarchitecture, from {@code vendor_id}, {@code cpu family} and
 *   {@code model} (see {@link VectorUnits#of}): Intel AVX-512 server cores (Skylake-SP to Granite Rapids) 2 (some
 *   Skylake/Cascade Lake Xeon Bronze and Silver parts have only 1; cpuinfo does not tell them apart),
 *   Intel AVX-512 client cores (Ice Lake, Tiger Lake, Rocket Lake) 1, AMD Zen 4 1 at 16 lanes (it runs AVX-512 on
 *   two 256-bit FMA pipes), AMD Zen 2/3 and Intel AVX2 cores 2 at 8 lanes. An unknown CPU is assumed to be the
 *   common server case for its widest flag (AVX-512: 2 units; AVX2 with FMA: 2 units), and {@link #assumption()}
 *   says so. Without the {@code fma} flag a separate adder and multiplier are counted as one FMA unit.</li>
 *   <li><b>Clock</b>: {@code /sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq} (the highest clock the cores
 *   reach, in kHz) when present; otherwise the larger of the highest {@code cpu MHz} in {@code /proc/cpuinfo} (in a
 *   virtual machine usually the nominal clock the hypervisor reports) and the nominal GHz in the model name
 *   ({@code "... @ 2.10GHz"}). Neither is the clock under sustained AVX-512 load, which can be below nominal (Intel's
 *   AVX-512 frequency licence) or above it (turbo): the peak is a reference, not a bound that no run can pass.
 *   Where the sustained clock is known, {@link #withClock} puts it in instead ({@code model bench --clock-ghz}).</li>
 * </ul>
 *
 * @param cores            physical cores counted
 * @param fmaUnits         vector FMA units per core at the width of {@code lanes}
 * @param lanes            float32 lanes per vector
 * @param clockGhz         the clock used, empty when the CPU states none
 * @param clockSource      where the clock came from
 * @param microarchitecture the microarchitecture recognised, or what is known of it
 * @param assumption       empty when the FMA unit count is known for this microarchitecture, else the assumption made
 */
public record PhysicalPeak(int cores, int fmaUnits, int lanes, OptionalDouble clockGhz, String clockSource,
                           String microarchitecture, Optional<String> assumption) {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path MAX_FREQ = Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    private static final Pattern NOMINAL_GHZ = Pattern.compile("@\\s*([0-9]+(?:\\.[0-9]+)?)\\s*GHz");

    /** float32 operations per FMA lane and cycle: a multiply and an add. */
    private static final int FLOPS_PER_FMA = 2;

    /** The peak in GFLOP/s, empty when the clock is unknown. */
    public OptionalDouble gflops() {
        return clockGhz.isPresent()
                ? OptionalDouble.of((double) cores * fmaUnits * lanes * FLOPS_PER_FMA * clockGhz.getAsDouble())
                : OptionalDouble.empty();
    }

    /** The same peak at a clock the user states (e.g. the all-core boost clock a virtual machine does not show). */
    public PhysicalPeak withClock(double ghz, String source) {
        if (!(ghz > 0)) {
            throw new IllegalArgumentException("a clock must be positive GHz, got " + ghz);
        }
        return new PhysicalPeak(cores, fmaUnits, lanes, OptionalDouble.of(ghz), source, microarchitecture, assumption);
    }

    /** One line for a report: the formula with this machine's numbers. */
    public String describe() {
        String clock = clockGhz.isPresent()
                ? String.format(Locale.ROOT, "%.3f GHz (%s)", clockGhz.getAsDouble(), clockSource) : "clock unknown";
        String result = gflops().isPresent()
                ? String.format(Locale.ROOT, "%.1f GFLOP/s", gflops().getAsDouble()) : "n/a";
        return String.format(Locale.ROOT, "%s = %d cores x %d FMA units x %d lanes x 2 x %s; %s%s", result, cores,
                fmaUnits, lanes, clock, microarchitecture, assumption.map(a -> "; assumed: " + a).orElse(""));
    }

    /** This machine's peak, from {@code /proc/cpuinfo} and cpufreq; empty where {@code /proc/cpuinfo} is missing. */
    public static Optional<PhysicalPeak> ofThisMachine() {
        try {
            if (!Files.isReadable(CPUINFO)) {
                return Optional.empty();
            }
            String cpuinfo = Files.readString(CPUINFO);
            Optional<String> maxFreqKhz = Files.isReadable(MAX_FREQ)
                    ? Optional.of(Files.readString(MAX_FREQ)) : Optional.empty();
            return Optional.of(of(cpuinfo, maxFreqKhz, Runtime.getRuntime().availableProcessors()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The peak from the text of {@code /proc/cpuinfo}, cpufreq's {@code cpuinfo_max_freq} (kHz) if the machine has
     * it, and the processors this process may use.
     */
    public static PhysicalPeak of(String cpuinfo, Optional<String> maxFreqKhz, int availableProcessors) {
        List<Map<String, String>> processors = processors(cpuinfo);
        if (processors.isEmpty()) {
            throw new IllegalArgumentException("no processor entries in the cpuinfo text");
        }
        Map<String, String> first = processors.get(0);
        Set<String> flags = Set.of(first.getOrDefault("flags", "").trim().split("\\s+"));
        VectorUnits units = VectorUnits.of(first.getOrDefault("vendor_id", ""), integer(first.get("cpu family")),
                integer(first.get("model")), flags);
        int cores = Math.min(physicalCores(processors), Math.max(1, availableProcessors));
        Clock clock = clock(processors, first.getOrDefault("model name", ""), maxFreqKhz);
        return new PhysicalPeak(cores, units.fmaUnits(), units.lanes(), clock.ghz(), clock.source(), units.name(),
                units.assumption());
    }

    private static List<Map<String, String>> processors(String cpuinfo) {
        List<Map<String, String>> processors = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    processors.add(current);
                    current = new LinkedHashMap<>();
                }
            } else if (colon > 0) {
                current.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        if (!current.isEmpty()) {
            processors.add(current);
        }
        return processors.stream().filter(p -> p.containsKey("processor")).toList();
    }

    private static int physicalCores(List<Map<String, String>> processors) {
        Set<String> cores = new HashSet<>();
        for (Map<String, String> p : processors) {
            if (!p.containsKey("core id")) {
                return processors.size();
            }
            cores.add(p.getOrDefault("physical id", "0") + "/" + p.get("core id"));
        }
        return cores.size();
    }

    private record Clock(OptionalDouble ghz, String source) {
    }

    private static Clock clock(List<Map<String, String>> processors, String modelName, Optional<String> maxFreqKhz) {
        OptionalDouble cpufreq = maxFreqKhz.map(String::trim).filter(s -> s.matches("[0-9]+"))
                .map(s -> OptionalDouble.of(Long.parseLong(s) / 1e6)).orElse(OptionalDouble.empty());
        if (cpufreq.isPresent() && cpufreq.getAsDouble() > 0) {
            return new Clock(cpufreq, "cpufreq cpuinfo_max_freq");
        }
        OptionalDouble mhz = processors.stream().map(p -> p.get("cpu MHz")).filter(v -> v != null && !v.isBlank())
                .mapToDouble(Double::parseDouble).max();
        Matcher nominal = NOMINAL_GHZ.matcher(modelName);
        double nominalGhz = nominal.find() ? Double.parseDouble(nominal.group(1)) : 0;
        double reportedGhz = mhz.isPresent() ? mhz.getAsDouble() / 1000 : 0;
        if (nominalGhz == 0 && reportedGhz == 0) {
            return new Clock(OptionalDouble.empty(), "none stated");
        }
        return nominalGhz > reportedGhz ? new Clock(OptionalDouble.of(nominalGhz), "model name's nominal GHz")
                : new Clock(OptionalDouble.of(reportedGhz), "/proc/cpuinfo cpu MHz");
    }

    private static int integer(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A core's vector FMA units and their float32 width, by microarchitecture. */
    record VectorUnits(String name, int fmaUnits, int lanes, Optional<String> assumption) {
        private static final Set<Integer> INTEL_AVX512_SERVER = Set.of(
                0x55, // Skylake-SP, Cascade Lake, Cooper Lake
                0x6A, 0x6C, // Ice Lake-SP, Ice Lake-D
                0x8F, // Sapphire Rapids
                0xCF, // Emerald Rapids
                0xAD, 0xAE); // Granite Rapids
        private static final Set<Integer> INTEL_AVX512_CLIENT = Set.of(
                0x66, // Cannon Lake
                0x7D, 0x7E, // Ice Lake client
                0x8C, 0x8D, // Tiger Lake
                0xA7); // Rocket Lake

        static VectorUnits of(String vendor, int family, int model, Set<String> flags) {
            boolean avx512 = flags.contains("avx512f");
            int lanes = avx512 ? 16 : flags.contains("avx") || flags.contains("avx2") ? 8 : 4;
            if (!flags.contains("fma")) {
                return known("no FMA: one adder and one multiplier, counted as one FMA unit", 1, lanes);
            }
            String cpu = String.format(Locale.ROOT, "%s family %d model %d (0x%X)", vendor, family, model, model);
            if ("GenuineIntel".equals(vendor) && family == 6) {
                if (avx512 && INTEL_AVX512_SERVER.contains(model)) {
                    return known("Intel AVX-512 server core, " + cpu, 2, 16);
                }
                if (avx512 && INTEL_AVX512_CLIENT.contains(model)) {
                    return known("Intel AVX-512 client core, " + cpu, 1, 16);
                }
                if (!avx512) {
                    return known("Intel AVX2 core, " + cpu, 2, lanes);
                }
            }
            if ("AuthenticAMD".equals(vendor)) {
                if (family == 0x17) {
                    return model < 0x30 ? known("AMD Zen/Zen+ (256-bit ops on 128-bit pipes), " + cpu, 1, 8)
                            : known("AMD Zen 2, " + cpu, 2, 8);
                }
                if (family == 0x19) {
                    return avx512 ? known("AMD Zen 4 (AVX-512 on two 256-bit FMA pipes), " + cpu, 1, 16)
                            : known("AMD Zen 3, " + cpu, 2, 8);
                }
                if (family == 0x1A && avx512) {
                    return assumed("AMD Zen 5, " + cpu, 2, 16,
                            "2 FMA units of 512 bits (server and desktop Zen 5; mobile parts have 256-bit pipes)");
                }
            }
            return avx512
                    ? assumed(cpu, 2, 16, "an AVX-512 server core with 2 FMA units")
                    : assumed(cpu, 2, lanes, "2 FMA units, as in Intel and AMD cores since 2013");
        }

        private static VectorUnits known(String name, int units, int lanes) {
            return new VectorUnits(name, units, lanes, Optional.empty());
        }

        private static VectorUnits assumed(String name, int units, int lanes, String assumption) {
            return new VectorUnits(name, units, lanes, Optional.of(assumption));
        }
    }
}
