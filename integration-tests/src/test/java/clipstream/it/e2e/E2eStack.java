package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.it.demo.ThreadsLeft;
import clipstream.kafka.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stack an end-to-end test class shares: one embedded broker and one MiniCluster, started before its first
 * test and stopped after its last, which must leave no non-daemon thread behind. Register it as a static field
 * with {@code @RegisterExtension}.
 */
final class E2eStack implements BeforeAllCallback, AfterAllCallback {
    private final int slots;
    private Set<Thread> threadsBefore;
    private EmbeddedKafka kafka;
    private TestFlink flink;

    E2eStack(int slots) {
        this.slots = slots;
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    TestFlink flink() {
        return flink;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        threadsBefore = Thread.getAllStackTraces().keySet();
        kafka = EmbeddedKafka.start();
        flink = TestFlink.start(slots);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        assertThat(ThreadsLeft.since(threadsBefore, Duration.ofSeconds(10))).as("non-daemon threads left").isEmpty();
    }
}
