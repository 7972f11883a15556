package clipstream.model.data;

import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoFrame;
import clipstream.media.video.VideoSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a user's labelled clips, UCF101-style: {@code <root>/<label>/<video>} with one folder per class.
 * Every video is decoded (by the shared FFmpeg {@link VideoDecoder}, scaled to the model's input size) and cut
 * into non-overlapping clips of {@code frames} frames, at most {@code clipsPerVideo} of them; a video shorter
 * than one clip contributes none and is reported.
 */
public final class VideoFolderDataset {
    private static final Logger LOG = LoggerFactory.getLogger(VideoFolderDataset.class);
    private static final Set<String> VIDEO_EXTENSIONS =
            Set.of("avi", "mp4", "mkv", "mov", "webm", "mpg", "mpeg", "m4v", "flv", "wmv", "ts");

    private VideoFolderDataset() {
    }

    public static ClipDataset read(Path root, int frames, int height, int width, int clipsPerVideo) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--data " + root + " is not a folder of <label>/<video> files");
        }
        List<String> labels = subfolders(root);
        if (labels.size() < 2) {
            throw new IllegalArgumentException("--data " + root + " needs at least two label folders, found " + labels);
        }
        List<byte[]> clips = new ArrayList<>();
        List<Integer> clipLabels = new ArrayList<>();
        for (int label = 0; label < labels.size(); label++) {
            for (Path video : videos(root.resolve(labels.get(label)))) {
                int before = clips.size();
                readClips(video, frames, height, width, clipsPerVideo, clips);
                for (int i = before; i < clips.size(); i++) {
                    clipLabels.add(label);
                }
                if (clips.size() == before) {
                    LOG.warn("{} holds fewer than {} frames: no clip taken", video, frames);
                }
            }
        }
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("No clip of " + frames + " frames could be read from " + root);
        }
        return new ClipDataset(labels, frames, height, width, clips.toArray(byte[][]::new),
                clipLabels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void readClips(Path video, int frames, int height, int width, int clipsPerVideo, List<byte[]> out) {
        int frameBytes = height * width * 3;
        try (VideoDecoder decoder = VideoDecoder.open(VideoSource.of(video.toString()).scaledTo(width, height))) {
            byte[] clip = new byte[frames * frameBytes];
            int filled = 0;
            int taken = 0;
            for (VideoFrame frame = decoder.read(); frame != null && taken < clipsPerVideo; frame = decoder.read()) {
                System.arraycopy(frame.rgb(), 0, clip, filled * frameBytes, frameBytes);
                if (++filled == frames) {
                    out.add(clip);
                    taken++;
                    clip = new byte[frames * frameBytes];
                    filled = 0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read training video " + video + ": " + e.getMessage(), e);
        }
    }

    private static List<String> subfolders(Path root) {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
    }

    private static List<Path> videos(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                int dot = name.lastIndexOf('.');
                return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1));
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + folder, e);
        }
    }
}
