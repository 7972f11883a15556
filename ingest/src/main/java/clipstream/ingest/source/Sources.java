package clipstream.ingest.source;

import clipstream.ingest.pacing.StopSignal;
import clipstream.media.video.VideoSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** Opens the {@link CameraSource} a {@link SourceSpec} names. */
public final class Sources {
    private Sources() {
    }

    /**
     * Opens {@code spec} with {@code options}; {@code stop} ends a live source's reconnect waits.
     *
     * @throws SourceException naming the source when it cannot be opened
     */
    public static CameraSource open(SourceSpec spec, SourceOptions options, StopSignal stop) throws IOException {
        if (spec instanceof SourceSpec.Synthetic synthetic) {
            return new SyntheticSource(synthetic, options.width(), options.height(), options.generatedFps(),
                    options.firstSyntheticIndex(), options.syntheticIsLive());
        }
        if (spec instanceof SourceSpec.ImageFolder folder) {
            return recording(options, () -> ImageFolderSource.open(folder.folder(), options.width(),
                    options.height(), options.generatedFps()));
        }
        if (spec instanceof SourceSpec.Recording recording) {
            Duration readTimeout = recording.overNetwork() ? options.readTimeout() : null;
            return recording(options, () -> VideoSourceReader.open(video(recording.location(), recording.format(),
                    options, readTimeoutOptions(recording.location(), readTimeout)), false, readTimeout));
        }
        if (spec instanceof SourceSpec.SyntheticPeople people) {
            throw new IllegalArgumentException(people.describe() + " is a camera of poses, not frames: open it as a"
                    + " SyntheticPeopleSource");
        }
        SourceSpec.LiveStream stream = (SourceSpec.LiveStream) spec;
        Map<String, String> network = readTimeoutOptions(stream.url(), options.readTimeout());
        return new ReconnectingSource(stream.url(),
                () -> VideoSourceReader.open(video(stream.url(), null, options, network), true,
                        options.readTimeout()),
                options.reconnect(), stop);
    }

    /**
     * The FFmpeg option that makes a network read give up after {@code timeout} without data, so that a stalled
     * server fails the read (a live stream is then reconnected, a recording fails) instead of hanging the camera
     * forever; none for a local source ({@code timeout} null). FFmpeg's URL protocols (http(s), tcp, udp, srt
     * ...) take the generic {@code rw_timeout} and hand it down to the connections under them; the RTSP demuxer
     * opens its connections itself and reads its own {@code timeout} instead. That name is not given to the
     * others: RTMP reads {@code timeout} as a listen timeout and turns into a server.
     */
    static Map<String, String> readTimeoutOptions(String location, Duration timeout) {
        if (timeout == null) {
            return Map.of();
        }
        String micros = Long.toString(timeout.toNanos() / 1_000);
        String scheme = location.substring(0, Math.max(0, location.indexOf("://"))).toLowerCase(Locale.ROOT);
        return scheme.equals("rtsp") || scheme.equals("rtsps") ? Map.of("timeout", micros)
                : Map.of("rw_timeout", micros);
    }

    private static CameraSource recording(SourceOptions options, SourceOpener opener) throws IOException {
        return options.loop() ? new LoopingSource(opener) : opener.open();
    }

    private static VideoSource video(String location, String format, SourceOptions options,
                                     Map<String, String> ffmpegOptions) {
        return new VideoSource(location, format, OptionalInt.of(options.width()), OptionalInt.of(options.height()),
                ffmpegOptions);
    }
}
