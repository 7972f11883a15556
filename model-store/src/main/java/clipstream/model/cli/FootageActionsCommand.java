package clipstream.model.cli;

import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoFrame;
import clipstream.model.eval.FootageSheet;
import clipstream.model.pose.KeypointClips;
import clipstream.model.pose.PoseNoiseStatistics.FrameRange;
import clipstream.model.pose.PoseEstimator;
import clipstream.model.pose.TrackWindows;
import clipstream.model.pose.VideoTracks;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.runtime.ScoredLabel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code model footage-actions}: what a pose-based action model says about the people in a recorded video, offline:
 * the pose model on every {@code --pose-every}th frame, people followed by {@link VideoTracks}, each track cut into
 * clips as the job cuts them ({@link TrackWindows}), each clip classified. Prints every clip's label and runner-up,
 * the labels per track and overall, and — given hand labels — a confusion table; can write contact sheets of the
 * real frames with the keypoints drawn, to look at what was labelled.
 */
@Command(name = "footage-actions", mixinStandardHelpOptions = true,
        description = {"Label the people in a recorded video with a pose-based action model, offline, clip by clip,"
                + " and (with --truth) score it against hand labels.",
                "E.g. PETS09-S2L1 (vtest.avi of Debian's opencv-doc): vtest.avi --pose-every 1 --sheets target/sheets"})
final class FootageActionsCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "VIDEO", description = "A video file or FFmpeg URL")
    String video;

    @Option(names = "--model", defaultValue = "posec3d-small", description = "Action model. Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--version", description = "Its version (default: CURRENT)")
    String version;

    @Option(names = "--pose-model", defaultValue = "movenet-multipose", description = "Default: ${DEFAULT-VALUE}")
    String poseModel;

    @Option(names = "--pose-input", defaultValue = "384",
            description = "Side of the pose model's square input in pixels, a multiple of 32. Default: ${DEFAULT-VALUE}")
    int poseInput;

    @Option(names = "--pose-every", defaultValue = "1",
            description = "Pose every Nth frame of the video (the action model's pose rate is in its manifest)."
                    + " Default: ${DEFAULT-VALUE}")
    int poseEvery;

    @Option(names = "--min-person-score", defaultValue = "0.2", description = "Default: ${DEFAULT-VALUE}")
    float minPersonScore;

    @Option(names = "--track-iou", defaultValue = "0.3", description = "Default: ${DEFAULT-VALUE}")
    float trackIou;

    @Option(names = "--max-gap", defaultValue = "8",
            description = "Pose frames a track may miss and go on (filled as lost). Default: ${DEFAULT-VALUE}")
    int maxGap;

    @Option(names = "--stride", defaultValue = "16", description = "Pose frames between clips. Default: ${DEFAULT-VALUE}")
    int stride;

    @Option(names = "--frames", paramLabel = "FIRST-LAST", description = "Only these video frames (from 0)")
    String frames;

    @Option(names = "--truth", paramLabel = "FILE",
            description = "Hand labels, one per line: TRACK LABEL, or TRACK FIRST-LAST LABEL for video frames"
                    + " FIRST to LAST (a clip counts when its middle frame is inside); # starts a comment")
    Path truth;

    @Option(names = "--sheets", paramLabel = "DIR",
            description = "Write a PNG per track: its clips' real frames, cropped, with the keypoints drawn")
    Path sheets;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every clip's labels as JSON")
    Path json;

    @Option(names = "--device", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}")
    String device;

    /** One clip's verdict, with its keypoints ([pose frame][joint][x, y, score] in frame pixels). */
    record ClipVerdict(int track, int firstFrame, int lastFrame, int filled, float[] box, List<ScoredLabel> top,
                       String truth, float[][][] keypoints) {
    }

    @Override
    public Integer call() throws IOException {
        if (poseEvery < 1) {
            throw new IllegalArgumentException("--pose-every must be >= 1, got " + poseEvery);
        }
        FrameRange range = frames == null ? null : FrameRange.parse(frames);
        int threads = Runtime.getRuntime().availableProcessors();
        VideoTracks tracker = new VideoTracks(trackIou, maxGap);
        double headerFps;
        try (PoseEstimator estimator = PoseEstimator.open(
                new ClassifierOptions(store.store, poseModel, null, device, threads, 1), poseInput);
             VideoDecoder decoder = VideoDecoder.open(video)) {
            headerFps = decoder.frameRate();
            VideoFrame frame;
            for (int index = 0; (frame = decoder.read()) != null; index++) {
                if (range != null && index > range.last()) {
                    break;
                }
                if ((range != null && !range.contains(index)) || index % poseEvery != 0) {
                    continue;
                }
                tracker.add(index / poseEvery, estimator.estimate(frame.rgb(), frame.width(), frame.height(),
                        minPersonScore));
                if ((index / poseEvery) % 100 == 99) {
                    System.err.printf(Locale.ROOT, "footage-actions: %d frames posed%n", index / poseEvery + 1);
                }
            }
        }
        List<ClipVerdict> verdicts = new ArrayList<>();
        List<TrackWindows.Window> windows;
        Map<Integer, List<String[]>> truths = truth == null ? Map.of() : readTruth(truth);
        try (ClipClassifier classifier = ClipClassifier.open(
                new ClassifierOptions(store.store, model, version, device, threads, 1))) {
            if (!classifier.manifest().input().isKeypoints()) {
                throw new IllegalArgumentException(model + " is not a pose-based action model (its input is "
                        + classifier.manifest().input().shape() + ")");
            }
            windows = TrackWindows.of(tracker.tracks(), classifier.manifest().frames(), stride, maxGap);
            for (int from = 0; from < windows.size(); from += 32) {
                List<TrackWindows.Window> batch = windows.subList(from, Math.min(windows.size(), from + 32));
                List<byte[]> clips = new ArrayList<>();
                for (TrackWindows.Window w : batch) {
                    clips.add(KeypointClips.toBytes(KeypointClips.normalise(w.keypoints())));
                }
                List<ClipPrediction> predictions = classifier.classify(clips, 3);
                for (int i = 0; i < batch.size(); i++) {
                    TrackWindows.Window w = batch.get(i);
                    int first = w.first() * poseEvery;
                    int last = w.last() * poseEvery;
                    verdicts.add(new ClipVerdict(w.track(), first, last, w.filled(), w.box(),
                            predictions.get(i).topK(), truthOf(truths, w.track(), (first + last) / 2), w.keypoints()));
                }
            }
            print(System.out, headerFps, verdicts);
        }
        if (sheets != null) {
            writeSheets(windows, verdicts, range);
        }
        if (json != null) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("video", video);
            document.put("header_fps", headerFps);
            document.put("pose_every", poseEvery);
            document.put("model", model);
            document.put("clips", verdicts);
            if (json.toAbsolutePath().getParent() != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), document);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private static void print(PrintStream out, double headerFps, List<ClipVerdict> verdicts) {
        out.printf(Locale.ROOT, "%d clips (video header: %.2f fps)%n", verdicts.size(), headerFps);
        out.printf(Locale.ROOT, "%6s %11s %6s %-24s %-10s %-10s %-10s%n", "track", "frames", "filled",
                "box", "label", "second", "truth");
        Map<String, Integer> histogram = new TreeMap<>();
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        int scored = 0;
        int right = 0;
        for (ClipVerdict v : verdicts) {
            ScoredLabel top = v.top().get(0);
            ScoredLabel second = v.top().size() > 1 ? v.top().get(1) : new ScoredLabel("-", 0);
            out.printf(Locale.ROOT, "%6d %5d-%-5d %6d %-24s %-5s %.2f %-5s %.2f %s%n", v.track(), v.firstFrame(),
                    v.lastFrame(), v.filled(), String.format(Locale.ROOT, "%.0f,%.0f,%.0f,%.0f", v.box()[0],
                            v.box()[1], v.box()[2], v.box()[3]), top.label(), top.score(), second.label(),
                    second.score(), v.truth() == null ? "" : v.truth());
            histogram.merge(top.label(), 1, Integer::sum);
            if (v.truth() != null) {
                scored++;
                right += v.truth().equals(top.label()) ? 1 : 0;
                confusion.computeIfAbsent(v.truth(), k -> new TreeMap<>()).merge(top.label(), 1, Integer::sum);
            }
        }
        out.println("labels: " + histogram);
        if (scored > 0) {
            out.printf(Locale.ROOT, "hand-labelled clips: %d, right %d (%.1f %%)%n", scored, right,
                    100.0 * right / scored);
            confusion.forEach((truthLabel, row) -> out.println("  truth " + truthLabel + " -> " + row));
        }
    }

    private void writeSheets(List<TrackWindows.Window> windows, List<ClipVerdict> verdicts, FrameRange range)
            throws IOException {
        Map<Integer, List<FootageSheet>> byTrack = new TreeMap<>();
        record Cell(FootageSheet sheet, int column, float[][] keypoints) {
        }
        Map<Integer, List<Cell>> wanted = new HashMap<>(); // by video frame
        for (int i = 0; i < windows.size(); i++) {
            TrackWindows.Window w = windows.get(i);
            ClipVerdict v = verdicts.get(i);
            String caption = String.format(Locale.ROOT, "track %d  frames %d-%d  %s %.2f  %s %.2f%s", v.track(),
                    v.firstFrame(), v.lastFrame(), v.top().get(0).label(), v.top().get(0).score(),
                    v.top().size() > 1 ? v.top().get(1).label() : "-", v.top().size() > 1 ? v.top().get(1).score() : 0,
                    v.truth() == null ? "" : "  truth " + v.truth());
            FootageSheet sheet = new FootageSheet(caption, v.box(), 8, 96, KeypointClips.BOX_SCORE);
            byTrack.computeIfAbsent(w.track(), k -> new ArrayList<>()).add(sheet);
            int length = w.keypoints().length;
            for (int c = 0; c < sheet.columns(); c++) {
                int t = sheet.frameOfColumn(c, length);
                wanted.computeIfAbsent((w.first() + t) * poseEvery, k -> new ArrayList<>())
                        .add(new Cell(sheet, c, w.keypoints()[t]));
            }
        }
        try (VideoDecoder decoder = VideoDecoder.open(video)) {
            VideoFrame frame;
            for (int index = 0; (frame = decoder.read()) != null; index++) {
                if (range != null && index > range.last()) {
                    break;
                }
                for (Cell cell : wanted.getOrDefault(index, List.of())) {
                    cell.sheet().draw(cell.column(), frame.rgb(), frame.width(), frame.height(), cell.keypoints());
                }
            }
        }
        for (Map.Entry<Integer, List<FootageSheet>> entry : byTrack.entrySet()) {
            FootageSheet.write(entry.getValue(), sheets.resolve(String.format(Locale.ROOT, "track-%04d.png",
                    entry.getKey())));
        }
        System.out.println("wrote " + byTrack.size() + " sheets to " + sheets);
    }

    private static Map<Integer, List<String[]>> readTruth(Path file) throws IOException {
        Map<Integer, List<String[]>> truths = new HashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String text = line.replaceAll("#.*", "").trim();
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split("\\s+");
            try {
                int track = Integer.parseInt(parts[0]);
                if (parts.length == 2) {
                    truths.computeIfAbsent(track, k -> new ArrayList<>()).add(new String[] {"", parts[1]});
                } else if (parts.length == 3) {
                    FrameRange.parse(parts[1]);
                    truths.computeIfAbsent(track, k -> new ArrayList<>()).add(new String[] {parts[1], parts[2]});
                } else {
                    throw new IllegalArgumentException("expected TRACK LABEL or TRACK FIRST-LAST LABEL");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + n + ": '" + line + "': " + e.getMessage(), e);
            }
        }
        return truths;
    }

    private static String truthOf(Map<Integer, List<String[]>> truths, int track, int middleFrame) {
        for (String[] t : truths.getOrDefault(track, List.of())) {
            if (t[0].isEmpty()) {
                return t[1];
            }
            if (FrameRange.parse(t[0]).contains(middleFrame)) {
                return t[1];
            }
        }
        return null;
    }
}
