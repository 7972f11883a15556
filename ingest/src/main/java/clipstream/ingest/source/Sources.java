package clipstream.ingest.source;

import clipstream.ingest.pacing.StopSignal;
import clipstream.media.video.VideoSource;
import java.io.IOException;
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
            return recording(options, () -> VideoSourceReader.open(
                    video(recording.location(), recording.format(), options, Map.of()), false));
        }
        SourceSpec.LiveStream stream = (SourceSpec.LiveStream) spec;
        // a stalled connection fails the read (and is reconnected) instead of hanging forever
        Map<String, String> network = Map.of("rw_timeout", Long.toString(options.readTimeout().toNanos() / 1_000));
        return new ReconnectingSource(stream.url(),
                () -> VideoSourceReader.open(video(stream.url(), null, options, network), true),
                options.reconnect(), stop);
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
