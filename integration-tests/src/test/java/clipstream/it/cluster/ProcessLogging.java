package clipstream.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The log4j2 configuration of every child JVM: INFO and up to stdout, which {@link ChildJvms} sends to its log file. */
final class ProcessLogging {
    private static final String CONFIG = """
            monitorInterval = 0
            rootLogger.level = INFO
            rootLogger.appenderRef.console.ref = console
            appender.console.type = Console
            appender.console.name = console
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n
            # chatter that says nothing about this test
            logger.kafkalog.name = org.apache.kafka.storage.internals.log
            logger.kafkalog.level = WARN
            logger.kafkaunified.name = kafka.log
            logger.kafkaunified.level = WARN
            logger.metrics.name = org.apache.flink.metrics
            logger.metrics.level = ERROR
            logger.flinkmetrics.name = org.apache.flink.runtime.metrics
            logger.flinkmetrics.level = WARN
            logger.cuda.name = ai.djl.util.cuda
            logger.cuda.level = ERROR
            """;

    private ProcessLogging() {
    }

    /** Writes the configuration into {@code dir}; returns the JVM flags that make a process use it. */
    static java.util.List<String> jvmFlags(Path dir) throws IOException {
        Path file = dir.resolve("log4j2-process.properties");
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            Files.writeString(file, CONFIG);
        }
        String uri = file.toAbsolutePath().toUri().toString();
        return java.util.List.of("-Dlog4j2.configurationFile=" + uri, "-Dlog4j.configurationFile=" + uri);
    }
}
