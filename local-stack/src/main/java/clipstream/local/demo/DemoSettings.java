package clipstream.local.demo;

import clipstream.job.config.PeopleSettings;
import clipstream.model.runtime.Precision;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a demo run is set up, validated once.
 *
 * @param cameras            synthetic cameras (synthetic people cameras with the people path); ignored when
 *                           {@code sources} are given
 * @param duration           how long cameras send; zero: until stopped (Ctrl-C) or {@code framesPerCamera}
 * @param framesPerCamera    stop each camera after this many frames (pose frames, for synthetic people cameras)
 * @param sources            real footage (files or stream URLs), one camera each, instead of synthetic cameras
 * @param store              the model store folder
 * @param model              model name; its CURRENT version is served
 * @param fps                frames per second of each camera
 * @param stride             a new clip every this many frames; 0: the model's clip length (tumbling clips)
 * @param checkpointInterval how often the job commits its events (exactly-once): the floor of the latency
 * @param rulesFile          alert rules; empty: the demo's own (labels of the motion-actions classes)
 * @param summaryFile        where summary.json goes
 * @param drainTimeout       how long to wait at the end for the events of the last frames
 * @param out                where the demo's lines and the alerts are printed
 * @param people             the people path; empty: it is off
 * @param dashboard          the operator's dashboard; empty: none
 * @param metrics            where the Prometheus metrics are served; empty: nowhere
 * @param precision          the arithmetic of the models the job serves (the action model and the people model)
 */
public record DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                           Path store, String model, double fps, int stride, Duration checkpointInterval,
                           Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out,
                           Optional<PeoplePath> people, Optional<DashboardPort> dashboard,
                           Optional<MetricsPorts> metrics, Precision precision) {

    /**
     * Where the demo serves its dashboard.
     *
     * @param port      the port; 0: a free one
     * @param anyIfTaken when {@code port} is taken, a free one instead of failing
     */
    public record DashboardPort(int port, boolean anyIfTaken) {
        public DashboardPort {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--dashboard-port must be 0 (a free one) to 65535, got " + port);
            }
        }
    }

    /**
     * Where the demo serves Prometheus metrics: ingest's, the alerting consumer's and the dashboard's at
     * {@code http://host:port/metrics}; the job's and Flink's through Flink's own reporter on {@code flinkPort}, which
     * listens on every interface (it has no address setting).
     *
     * @param host      the address of the ingest/alerts/dashboard endpoint
     * @param port      its port; 0: a free one
     * @param flinkPort the Flink reporter's port; 0: a free one, chosen at start
     */
    public record MetricsPorts(String host, int port, int flinkPort) {
        public MetricsPorts {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("--metrics-port must be 0-65535 (0: any free port), got " + port);
            }
            if (flinkPort < 0 || flinkPort > 65_535) {
                throw new IllegalArgumentException("--flink-metrics-port must be 0-65535 (0: any free port), got "
                        + flinkPort + (port == 65_535 ? ": with --metrics-port 65535 give --flink-metrics-port" : ""));
            }
            if (port != 0 && port == flinkPort) {
                throw new IllegalArgumentException("--metrics-port and --flink-metrics-port must differ, both are "
                        + port);
            }
        }

        /** The demo's endpoint on {@code port} and Flink's reporter on the next one ({@code port + 1}); 0: free ones. */
        public static MetricsPorts from(String host, int port) {
            return new MetricsPorts(host, port, port == 0 ? 0 : port + 1);
        }
    }

    /**
     * The people path of a demo. On real footage the job finds people in the frames with {@code poseModel} (every
     * {@code poseEvery}-th frame; 0: chosen from the footage's frame rate); on synthetic cameras, synthetic people
     * cameras send poses as edge devices do and the job runs no pose model. Either way the job tracks people, and
     * with a {@code peopleModel} says what each tracked person does, clip by clip.
     *
     * @param poseModel   the pose model in the store (real footage)
     * @param peopleModel the keypoint model in the store that labels each person's clips; empty: poses and tracks only
     * @param poseEvery   a frame in this many goes through the pose model; 0: footage's frame rate / the people
     *                    model's pose rate, rounded (1 when the rate is unknown)
     * @param poseInput   the side of the pose model's square input in pixels; 0: the model's own
     * @param poseFps     instead of {@code poseEvery}: each camera's frames posed this many times a second by capture
     *                    time (the job's {@code --pose-fps}); 0: by seq, as {@code poseEvery} says
     */
    public record PeoplePath(String poseModel, Optional<String> peopleModel, int poseEvery, int poseInput,
                             double poseFps) {
        public PeoplePath {
            Objects.requireNonNull(poseModel, "poseModel");
            Objects.requireNonNull(peopleModel, "peopleModel");
            if (poseEvery < 0) {
                throw new IllegalArgumentException("--pose-every must be 0 (from the footage's frame rate) or more, got "
                        + poseEvery);
            }
            if (!(poseFps >= 0 && poseFps <= PeopleSettings.MAX_POSE_FPS)) {
                throw new IllegalArgumentException("--pose-fps must be 0 (off) to " + (int) PeopleSettings.MAX_POSE_FPS
                        + ", got " + poseFps);
            }
            if (poseFps > 0 && poseEvery > 0) {
                throw new IllegalArgumentException("--pose-fps and --pose-every are mutually exclusive: give --pose-fps"
                        + " to pose each camera's frames that many times a second by capture time, or --pose-every");
            }
            if (poseInput != 0 && (poseInput < 32 || poseInput > 1024 || poseInput % 32 != 0)) {
                throw new IllegalArgumentException("--pose-input must be a multiple of 32 from 32 to 1024 (or 0 for the"
                        + " model's own), got " + poseInput);
            }
        }

        /** The path with frames posed by seq ({@code poseEvery}). */
        public PeoplePath(String poseModel, Optional<String> peopleModel, int poseEvery, int poseInput) {
            this(poseModel, peopleModel, poseEvery, poseInput, 0);
        }

        /** The path with the pose model's usual input for small people ({@code PeopleSettings.DEFAULT_POSE_INPUT}). */
        public PeoplePath(String poseModel, Optional<String> peopleModel, int poseEvery) {
            this(poseModel, peopleModel, poseEvery, PeopleSettings.DEFAULT_POSE_INPUT);
        }

        /** This path with each camera's frames posed {@code fps} times a second by capture time; 0: by seq. */
        public PeoplePath withPoseFps(double fps) {
            return new PeoplePath(poseModel, peopleModel, poseEvery, poseInput, fps);
        }
    }

    /** Settings without the people path and without a dashboard. */
    public DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                        Path store, String model, double fps, int stride, Duration checkpointInterval,
                        Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out) {
        this(cameras, duration, framesPerCamera, sources, store, model, fps, stride, checkpointInterval, rulesFile,
                summaryFile, drainTimeout, out, Optional.empty(), Optional.empty());
    }

    /** Settings with the models computing in float32 (the default). */
    public DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                        Path store, String model, double fps, int stride, Duration checkpointInterval,
                        Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out,
                        Optional<PeoplePath> people, Optional<DashboardPort> dashboard,
                        Optional<MetricsPorts> metrics) {
        this(cameras, duration, framesPerCamera, sources, store, model, fps, stride, checkpointInterval, rulesFile,
                summaryFile, drainTimeout, out, people, dashboard, metrics, Precision.FP32);
    }

    /** Settings without Prometheus metrics. */
    public DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                        Path store, String model, double fps, int stride, Duration checkpointInterval,
                        Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out,
                        Optional<PeoplePath> people, Optional<DashboardPort> dashboard) {
        this(cameras, duration, framesPerCamera, sources, store, model, fps, stride, checkpointInterval, rulesFile,
                summaryFile, drainTimeout, out, people, dashboard, Optional.empty());
    }

    public DemoSettings {
        Objects.requireNonNull(duration, "duration");
        sources = List.copyOf(sources);
        if (sources.isEmpty() && (cameras < 1 || cameras > 64)) {
            throw new IllegalArgumentException("--cameras must be between 1 and 64, got " + cameras);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("--seconds must be 0 (until Ctrl-C) or more, got " + duration.toSeconds());
        }
        if (framesPerCamera.isPresent() && framesPerCamera.getAsLong() < 1) {
            throw new IllegalArgumentException("--frames must be at least 1, got " + framesPerCamera.getAsLong());
        }
        if (!(fps > 0 && fps <= 120)) {
            throw new IllegalArgumentException("--fps must be in (0, 120], got " + fps);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("--stride must be 0 (the clip length) or more, got " + stride);
        }
        if (checkpointInterval.toMillis() < 100) {
            throw new IllegalArgumentException("--checkpoint-interval must be at least 100ms, got " + checkpointInterval);
        }
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(summaryFile, "summaryFile");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(people, "people");
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(precision, "precision");
    }

    /** These settings with the people path on. */
    public DemoSettings withPeople(PeoplePath path) {
        return new DemoSettings(cameras, duration, framesPerCamera, sources, store, model, fps, stride,
                checkpointInterval, rulesFile, summaryFile, drainTimeout, out, Optional.of(path), dashboard, metrics,
                precision);
    }

    /** These settings with the dashboard served on {@code port}. */
    public DemoSettings withDashboard(DashboardPort port) {
        return new DemoSettings(cameras, duration, framesPerCamera, sources, store, model, fps, stride,
                checkpointInterval, rulesFile, summaryFile, drainTimeout, out, people, Optional.of(port), metrics,
                precision);
    }

    /** These settings with Prometheus metrics served where {@code ports} says. */
    public DemoSettings withMetrics(MetricsPorts ports) {
        return new DemoSettings(cameras, duration, framesPerCamera, sources, store, model, fps, stride,
                checkpointInterval, rulesFile, summaryFile, drainTimeout, out, people, dashboard, Optional.of(ports),
                precision);
    }

    /** These settings with the models computing in {@code precision}. */
    public DemoSettings withPrecision(Precision precision) {
        return new DemoSettings(cameras, duration, framesPerCamera, sources, store, model, fps, stride,
                checkpointInterval, rulesFile, summaryFile, drainTimeout, out, people, dashboard, metrics, precision);
    }

    /** Whether synthetic people cameras send poses (the people path without real footage). */
    public boolean syntheticPeople() {
        return people.isPresent() && sources.isEmpty();
    }

    /** Whether the run ends on its own (a duration or a frame budget), or only when stopped. */
    public boolean bounded() {
        return !duration.isZero() || framesPerCamera.isPresent();
    }
}
