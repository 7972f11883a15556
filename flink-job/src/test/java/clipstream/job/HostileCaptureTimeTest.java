package clipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.ClipSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.functions.ClipAssembler;
import clipstream.job.functions.FrameValidator;
import clipstream.job.operators.ClipAssemblerOperator;
import clipstream.job.records.Clip;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.job.source.FramesTopicSource;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event-time path as the job wires it — the frames source's watermark strategy, the validator, the clip
 * assembler — run record by record on Flink's harnesses, a watermark emitted after every record (as if the source's
 * watermark interval passed between any two). The source judges capture times on the wall clock, so the frames
 * here are captured seconds before the test runs.
 */
class HostileCaptureTimeTest {
    private static final RecordEncoder<Frame> ENCODER = RecordEncoder.of(Frame.class);
    private static final ClipSettings SETTINGS = new ClipSettings(4, 4, 2, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(60), 1 << 20);

    private final long now = System.currentTimeMillis();
    private final long t0 = now - 10_000;

    private TimestampAssigner<RawRecord> timestamps;
    private WatermarkGenerator<RawRecord> watermarks;
    private long watermark = Long.MIN_VALUE;
    private OneInputStreamOperatorTestHarness<RawRecord, ValidatedFrame> validator;
    private KeyedOneInputStreamOperatorTestHarness<String, ValidatedFrame, Clip> assembler;
    private long offset;

    @BeforeEach
    void wire() throws Exception {
        WatermarkStrategy<RawRecord> strategy = FramesTopicSource.captureTime(SETTINGS);
        timestamps = strategy.createTimestampAssigner(new TimestampAssignerSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }
        });
        watermarks = strategy.createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public RelativeClock getInputActivityClock() {
                return SystemClock.getInstance();
            }
        });
        validator = ProcessFunctionTestHarnesses.forProcessFunction(new FrameValidator(new FrameSize(2, 2),
                SETTINGS.maxFrameBytes(), SETTINGS.captureTimes()));
        validator.setProcessingTime(now);
        assembler = new KeyedOneInputStreamOperatorTestHarness<>(new ClipAssemblerOperator(new ClipAssembler(
                SETTINGS.clipLength(), SETTINGS.stride(), SETTINGS.maxGap(), SETTINGS.idleTimeout(),
                SETTINGS.maxCameras(), SETTINGS.maxPendingFrames())), ValidatedFrame::cameraId, Types.STRING);
        assembler.open();
        assembler.setProcessingTime(now);
    }

    @AfterEach
    void close() throws Exception {
        validator.close();
        assembler.close();
    }

    /** One record through source, validator and assembler, then the source's periodic watermark. */
    private void read(String camera, long seq, long captureTime) throws Exception {
        byte[] value = ENCODER.toBytes(Frame.newBuilder().setCameraId(camera).setSeq(seq)
                .setCaptureTime(Instant.ofEpochMilli(captureTime)).setWidth(2).setHeight(2)
                .setEncoding(FrameEncoding.RGB24).setData(ByteBuffer.wrap(new byte[12])).build());
        RawRecord record = new RawRecord("frames", 0, offset++, now, camera.getBytes(StandardCharsets.UTF_8), value);
        long timestamp = timestamps.extractTimestamp(record, record.kafkaTimestamp());
        WatermarkOutput output = new WatermarkOutput() {
            @Override
            public void emitWatermark(org.apache.flink.api.common.eventtime.Watermark emitted) {
                watermark = Math.max(watermark, emitted.getTimestamp());
            }

            @Override
            public void markIdle() {
            }

            @Override
            public void markActive() {
            }
        };
        watermarks.onEvent(record, timestamp, output);
        validator.processElement(new StreamRecord<>(record, timestamp));
        for (Object out = validator.getOutput().poll(); out != null; out = validator.getOutput().poll()) {
            if (out instanceof StreamRecord<?> frame) {
                assembler.processElement(new StreamRecord<>((ValidatedFrame) frame.getValue(), frame.getTimestamp()));
            }
        }
        watermarks.onPeriodicEmit(output);
        assembler.processWatermark(watermark);
    }

    private void readCamera1(long... seqs) throws Exception {
        for (long seq : seqs) {
            read("cam-1", seq, t0 + seq * 40);
        }
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        for (var side : java.util.Arrays.asList(validator.getSideOutput(FrameDeadLetters.OUTPUT),
                assembler.getSideOutput(FrameDeadLetters.OUTPUT))) {
            if (side != null) {
                side.forEach(record -> letters.add(record.getValue()));
            }
        }
        return letters;
    }

    @Test
    void aFrameFromTheYear3000NeitherMovesTheWatermarkNorMakesOtherCamerasFramesLate() throws Exception {
        readCamera1(0, 1, 2, 3);
        read("cam-9", 0, Instant.parse("3000-01-01T00:00:00Z").toEpochMilli());
        // had the year 3000 moved the watermark, frame 5 would be used at once with 4 filled, and 4 be LATE
        readCamera1(5, 4, 6, 7);

        assertThat(deadLetters()).as("no frame of cam-1 is late").extracting(DeadLetter::getReason)
                .doesNotContain(DeadLetterReason.LATE);
        assertThat(watermark).as("the watermark still trails cam-1's frames by the bound")
                .isLessThan(t0 + 7 * 40);
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
            assertThat(letter.getMessage()).contains("3000-01-01T00:00:00Z", "--max-clock-skew");
        });

        assembler.processWatermark(Long.MAX_VALUE);
        assertThat(assembler.extractOutputValues()).extracting(Clip::cameraId, Clip::firstSeq, Clip::framesFilled)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cam-1", 0L, 0),
                        org.assertj.core.groups.Tuple.tuple("cam-1", 4L, 0));
    }

    @Test
    void aFrameFrom1970NeitherMovesTheWatermarkNorIsUsed() throws Exception {
        readCamera1(0, 1, 2, 3);
        read("cam-1", 4, 0);
        readCamera1(5, 6, 7);

        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_FRAME);
            assertThat(letter.getMessage()).contains("1970-01-01T00:00:00Z", "--max-frame-age");
        });
        assembler.processWatermark(Long.MAX_VALUE);
        assertThat(assembler.extractOutputValues()).extracting(Clip::firstSeq, Clip::framesFilled)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0), org.assertj.core.groups.Tuple.tuple(4L, 1));
    }
}
