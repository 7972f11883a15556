package clipstream.model.cli;

import clipstream.media.people.Joint;
import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoFrame;
import clipstream.model.pose.KeypointScoreStatistics;
import clipstream.model.pose.PersonPose;
import clipstream.model.pose.PoseEstimator;
import clipstream.model.pose.PoseNoiseStatistics;
import clipstream.model.pose.SampleSummary;
import clipstream.model.pose.StillPersonJitter;
import clipstream.model.pose.VideoTracks;
import clipstream.model.runtime.ClassifierOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code model pose-noise}: runs a stored pose model on every frame of a video and measures its errors in the terms
 * of media's {@code KeypointNoise} (see {@link PoseNoiseStatistics}), to replace the simulated pose estimator's
 * guessed defaults with measured ones. Prints tables and can write everything as JSON.
 */
@Command(name = "pose-noise", mixinStandardHelpOptions = true,
        description = {"Measure a pose model's noise on a real video: a still person's jitter, keypoint scores and"
                + " lost joints, missed detections and left/right swaps along tracks.",
                "E.g. on PETS09-S2L1 (vtest.avi of Debian's opencv-doc): --still-frames 549-571"
                        + " --still-box 620,290,700,425"})
final class PoseNoiseCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "VIDEO", description = "A video file or FFmpeg URL")
    String video;

    @Option(names = "--model", defaultValue = "movenet-multipose", description = "Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--version", description = "Version (default: CURRENT)")
    String version;

    @Option(names = "--pose-input", defaultValue = "384",
            description = "Side of the model's square input in pixels, a multiple of 32. Default: ${DEFAULT-VALUE}")
    int poseInput;

    @Option(names = "--min-person-score", defaultValue = "0.2",
            description = "People scored below this are not counted. Default: ${DEFAULT-VALUE}")
    float minPersonScore;

    @Option(names = "--min-score", defaultValue = "0.2",
            description = "Keypoints scored below this are lost; at or above, seen. Default: ${DEFAULT-VALUE}")
    float minScore;

    @Option(names = "--still-frames", paramLabel = "FIRST-LAST",
            description = "Frames (from 0) in which one person stands still, for their jitter; with --still-box")
    String stillFrames;

    @Option(names = "--still-box", paramLabel = "XMIN,YMIN,XMAX,YMAX",
            description = "Where the still person stands, in frame pixels, with a margin: each frame the person with"
                    + " the largest share of their box inside it (at least half) is taken")
    String stillBox;

    @Option(names = "--track-iou", defaultValue = "0.3",
            description = "Least box overlap (IoU) that continues a track. Default: ${DEFAULT-VALUE}")
    float trackIou;

    @Option(names = "--track-max-gap", defaultValue = "5",
            description = "Most frames a track may miss and continue. Default: ${DEFAULT-VALUE}")
    int trackMaxGap;

    @Option(names = "--min-track-frames", defaultValue = "10",
            description = "Tracks found in fewer frames are left out of missed frames and swaps."
                    + " Default: ${DEFAULT-VALUE}")
    int minTrackFrames;

    @Option(names = "--side-separation", defaultValue = "0.06",
            description = "Left/right swaps: shoulders and hips must be at least this fraction of the person's height"
                    + " apart in x to tell left from right (a person seen side-on cannot). Default: ${DEFAULT-VALUE}")
    double sideSeparation;

    @Option(names = "--frames", paramLabel = "FIRST-LAST", description = "Only these frames (default: all)")
    String frames;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
    String device;

    @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write everything measured here")
    Path json;

    @Override
    public Integer call() throws IOException {
        if ((stillFrames == null) != (stillBox == null)) {
            throw new IllegalArgumentException("give --still-frames and --still-box together, or neither");
        }
        PoseNoiseStatistics.Settings settings = new PoseNoiseStatistics.Settings(minScore,
                stillFrames == null ? null : PoseNoiseStatistics.FrameRange.parse(stillFrames),
                stillBox == null ? null : PoseNoiseStatistics.Region.parse(stillBox), trackIou, trackMaxGap,
                minTrackFrames, sideSeparation);
        PoseNoiseStatistics.FrameRange range = frames == null ? null : PoseNoiseStatistics.FrameRange.parse(frames);
        ClassifierOptions options = new ClassifierOptions(store.store, model, version, device,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), 1);
        long start = System.nanoTime();
        try (PoseEstimator estimator = PoseEstimator.open(options, poseInput);
             VideoDecoder decoder = VideoDecoder.open(video)) {
            if (!estimator.manifest().pose().keypoints().equals(Joint.labels())) {
                throw new IllegalArgumentException(model + " reports keypoints "
                        + estimator.manifest().pose().keypoints()
                        + ", not the 17 COCO keypoints in MoveNet's order that the measurement names");
            }
            PoseNoiseStatistics statistics = new PoseNoiseStatistics(settings, decoder.width(), decoder.height());
            long decodeNanos = 0;
            long modelNanos = 0;
            int measured = 0;
            VideoFrame frame;
            for (int index = 0; ; index++) {
                long before = System.nanoTime();
                frame = decoder.read();
                decodeNanos += System.nanoTime() - before;
                if (frame == null || (range != null && index > range.last())) {
                    break;
                }
                if (range != null && !range.contains(index)) {
                    continue;
                }
                before = System.nanoTime();
                List<PersonPose> people = estimator.estimate(frame.rgb(), frame.width(), frame.height(),
                        minPersonScore);
                modelNanos += System.nanoTime() - before;
                statistics.add(index, people);
                measured++;
                if (measured % 100 == 0) {
                    System.err.printf(Locale.ROOT, "pose-noise: %d frames%n", measured);
                }
            }
            if (measured == 0) {
                throw new IllegalArgumentException(video + " has no frame" + (range == null ? "" : " in " + frames));
            }
            Timing timing = new Timing(measured, (System.nanoTime() - start) / 1e9, decodeNanos / 1e9,
                    modelNanos / 1e9, modelNanos / 1e6 / measured);
            Source source = new Source(video, sha256(video), decoder.width(), decoder.height(), decoder.frameRate(),
                    estimator.manifest().name(), estimator.manifest().version(), estimator.inputSize(),
                    estimator.inputSize() / (double) Math.max(decoder.width(), decoder.height()), minPersonScore);
            PoseNoiseStatistics.Report report = statistics.report();
            print(System.out, source, timing, report);
            if (json != null) {
                writeJson(source, timing, report);
            }
        }
        return 0;
    }

    /**
     * What was measured with what.
     *
     * @param modelScale model-input pixels per frame pixel (the letterbox's scale)
     */
    record Source(String video, String sha256, int width, int height, double headerFps, String model,
                  String modelVersion, int poseInput, double modelScale, float minPersonScore) {
    }

    /** Frames measured and seconds spent: everything, decoding, the model (and its mean per frame in ms). */
    record Timing(int frames, double seconds, double decodeSeconds, double modelSeconds, double modelMsPerFrame) {
    }

    private void writeJson(Source source, Timing timing, PoseNoiseStatistics.Report report) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("source", source);
        document.put("runtime", timing);
        document.put("report", report);
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), document);
        System.out.println("wrote " + json);
    }

    /** The SHA-256 of a local file, to name exactly what was measured; null for a stream. */
    private static String sha256(String location) throws IOException {
        Path file = Path.of(location);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static void print(PrintStream out, Source source, Timing timing, PoseNoiseStatistics.Report report) {
        out.printf(Locale.ROOT, "%s: %dx%d, %.1f fps in its header; %s version %s at %dx%d (%.3f input px per frame px)"
                        + "; people scored >= %.2f, keypoints seen at >= %.2f%n", source.video(), source.width(),
                source.height(), source.headerFps(), source.model(), source.modelVersion(), source.poseInput(),
                source.poseInput(), source.modelScale(), source.minPersonScore(), report.settings().minKeypointScore());
        out.printf(Locale.ROOT, "runtime: %d frames in %.1f s (decoding %.1f s, model %.1f s: %.1f ms per frame)%n%n",
                timing.frames(), timing.seconds(), timing.decodeSeconds(), timing.modelSeconds(),
                timing.modelMsPerFrame());
        out.println("people per frame: " + describe(report.peoplePerFrame(), "%.1f"));
        out.println("person height px: " + describe(report.personHeights(), "%.0f"));
        if (report.still() != null) {
            printStill(out, report);
        }
        printScores(out, report.scores());
        printTracks(out, report);
    }

    private static void printStill(PrintStream out, PoseNoiseStatistics.Report report) {
        StillPersonJitter still = report.still();
        PoseNoiseStatistics.FrameRange range = report.settings().stillFrames();
        PoseNoiseStatistics.Region box = report.settings().stillRegion();
        out.printf(Locale.ROOT, "%nstill person, frames %d-%d in box %.0f,%.0f,%.0f,%.0f: found in %d of %d frames,"
                        + " mean height %.1f px%n", range.first(), range.last(), box.xMin(), box.yMin(), box.xMax(),
                box.yMax(), still.frames(), range.size(), still.meanHeight());
        out.println("joint           frames  sd x px  sd y px  jitter/height  cocoSigma  jitterScale  lag-1 r");
        for (int j = 0; j < Joint.COUNT; j++) {
            StillPersonJitter.JointJitter joint = still.joints().get(j);
            out.printf(Locale.ROOT, "%-15s %6d  %7.2f  %7.2f  %13.4f  %9.3f  %11.3f  %7.2f%n", joint.joint(),
                    joint.frames(), joint.sdX(), joint.sdY(), joint.relative(), Joint.values()[j].cocoSigma(),
                    joint.jitterScale(), joint.correlation());
        }
        out.printf(Locale.ROOT, "median over joints: jitterScale %.3f, jitterCorrelation %.2f; corrected for the"
                        + " stretch's length (AR(1)): jitterScale %.3f, jitterCorrelation %.2f%n", still.jitterScale(),
                still.correlation(), still.correctedJitterScale(), still.correctedCorrelation());
        out.println("(the person's own sway counts as jitter: upper bounds of the model's)");
    }

    private static void printScores(PrintStream out, KeypointScoreStatistics.Summary scores) {
        out.printf(Locale.ROOT, "%nkeypoint scores of %d people (keypoints inside the frame):%n", scores.people());
        out.println("  all:          " + describe(scores.scores(), "%.3f"));
        out.printf(Locale.ROOT, "  seen (>= %.2f): %s%n", scores.minScore(), describe(scores.seenScores(), "%.3f"));
        StringBuilder histogram = new StringBuilder("  histogram (per 0.05):");
        for (int b = 0; b < scores.histogram().length; b++) {
            histogram.append(String.format(Locale.ROOT, " %.0f%%", 100 * scores.histogram()[b]));
        }
        out.println(histogram);
        out.printf(Locale.ROOT, "  lost (< %.2f): %.1f%% of keypoints; face %.1f%%, torso %.1f%%, arms %.1f%%,"
                        + " legs %.1f%%%n", scores.minScore(), 100 * scores.lostFraction(), 100 * scores.faceLost(),
                100 * scores.torsoLost(), 100 * scores.armsLost(), 100 * scores.legsLost());
        out.println("joint            count  mean score  median  lost  dropoutWeight  lost/weight");
        for (KeypointScoreStatistics.JointScores joint : scores.joints()) {
            out.printf(Locale.ROOT, "%-15s %6d  %10.3f  %6.3f  %4.1f%%  %13.1f  %11.3f%n", joint.joint(),
                    joint.count(), joint.meanScore(), joint.medianScore(), 100 * joint.lostFraction(),
                    joint.dropoutWeight(), joint.impliedDropoutRate());
        }
        out.printf(Locale.ROOT, "median lost/weight over joints (dropoutRate, hidden joints included): %.3f%n",
                scores.impliedDropoutRate());
        out.println("by person height:");
        for (KeypointScoreStatistics.HeightBand band : scores.byHeight()) {
            out.printf(Locale.ROOT, "  %3.0f-%-4s px: %5d people, lost %5.1f%%, mean seen score %.3f%n",
                    band.fromPixels(), Double.isInfinite(band.toPixels()) ? "" : String.format(Locale.ROOT, "%.0f",
                            band.toPixels()), band.people(), 100 * band.lostFraction(), band.meanSeenScore());
        }
        out.printf(Locale.ROOT, "outside the frame: %d keypoints (%.2f%%), mean score %.3f%n", scores.outsideFrame(),
                100 * scores.outsideFrameFraction(), scores.outsideFrameMeanScore());
    }

    private static void printTracks(PrintStream out, PoseNoiseStatistics.Report report) {
        VideoTracks.Summary tracks = report.tracks();
        PoseNoiseStatistics.Settings settings = report.settings();
        out.printf(Locale.ROOT, "%ntracks (IoU >= %.2f, gaps up to %d frames): %d, of which %d found in >= %d frames%n",
                settings.trackMinIou(), settings.trackMaxGap(), tracks.tracks(), tracks.longTracks(),
                settings.minTrackSightings());
        out.printf(Locale.ROOT, "  %d frames from first to last sighting, found in %d, missed %d:"
                + " missingFrameRate %.4f%n", tracks.lifeFrames(), tracks.sightings(), tracks.missedFrames(),
                tracks.missingFrameRate());
        StringBuilder gaps = new StringBuilder("  gaps by length (frames: count):");
        for (int g = 0; g < tracks.gapLengths().length; g++) {
            gaps.append(' ').append(g + 1).append(": ").append(tracks.gapLengths()[g]);
        }
        out.println(gaps);
        out.printf(Locale.ROOT, "  left/right: %d sightings with shoulders and hips >= %.2f of the height apart; %d"
                        + " against their track's majority (%.4f), %d of them single frames (swapRate %.4f)%n",
                tracks.orientedFrames(), settings.minSideSeparation(), tracks.swappedFrames(), tracks.swapRate(),
                tracks.isolatedSwaps(), tracks.isolatedSwapRate());
    }

    private static String describe(SampleSummary s, String format) {
        String f = " " + format;
        return String.format(Locale.ROOT, "n %d, mean" + f + ", sd" + f + "; min" + f + ", p05" + f + ", p25" + f
                        + ", median" + f + ", p75" + f + ", p95" + f + ", max" + f, s.count(), s.mean(), s.sd(),
                s.min(), s.p05(), s.p25(), s.median(), s.p75(), s.p95(), s.max());
    }
}
