package clipstream.alerts.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import clipstream.alerts.fixtures.WebhookServer;
import clipstream.alerts.rules.WebhookTarget;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookClientTest {
    private final WebhookClient client = new WebhookClient();

    private static WebhookTarget target(URI url, int attempts) {
        return new WebhookTarget(url, Duration.ofMillis(500), attempts, Duration.ofMillis(20), Duration.ofMillis(40));
    }

    private static WebhookServer serving(Integer... statuses) throws Exception {
        Iterator<Integer> script = List.of(statuses).iterator();
        return WebhookServer.start(() -> script.hasNext() ? script.next() : 200);
    }

    @Test
    void postsTheAlertJsonWithItsIdAsIdempotencyKey() throws Exception {
        try (WebhookServer server = serving(200)) {
            WebhookOutcome outcome = client.deliver(target(server.url(), 3), TerminalOutputTest.alert());

            assertThat(outcome).isEqualTo(new WebhookOutcome.Delivered(1));
            WebhookServer.Received request = server.received().get(0);
            assertThat(request.body()).isEqualTo(AlertJson.toJson(TerminalOutputTest.alert()));
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("Idempotency-Key")).isEqualTo("id-1");
        }
    }

    @Test
    void retriesServerErrorsUntilAccepted() throws Exception {
        try (WebhookServer server = serving(503, 500, 204)) {
            assertThat(client.deliver(target(server.url(), 5), TerminalOutputTest.alert()))
                    .isEqualTo(new WebhookOutcome.Delivered(3));
            assertThat(server.received()).extracting(WebhookServer.Received::status).containsExactly(503, 500, 204);
        }
    }

    @Test
    void givesUpAfterTheLastAttempt() throws Exception {
        try (WebhookServer server = serving(500, 502, 503, 200)) {
            WebhookOutcome outcome = client.deliver(target(server.url(), 3), TerminalOutputTest.alert());
            assertThat(outcome).isInstanceOfSatisfying(WebhookOutcome.GaveUp.class, gaveUp -> {
                assertThat(gaveUp.attempts()).isEqualTo(3);
                assertThat(gaveUp.reason()).contains("failed 3 attempt(s)").contains("HTTP 503");
            });
            assertThat(server.accepted()).isEmpty();
        }
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        try (WebhookServer server = serving(400)) {
            assertThat(client.deliver(target(server.url(), 5), TerminalOutputTest.alert()))
                    .isEqualTo(new WebhookOutcome.GaveUp(1, server.url() + " refused the alert: HTTP 400"));
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void aWebhookThatNeverAnswersTimesOutInsteadOfBlocking() throws Exception {
        try (WebhookServer server = serving(WebhookServer.HANG, WebhookServer.HANG)) {
            WebhookOutcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> client.deliver(target(server.url(), 2), TerminalOutputTest.alert()));
            assertThat(outcome).isInstanceOfSatisfying(WebhookOutcome.GaveUp.class,
                    gaveUp -> assertThat(gaveUp.reason()).contains("HttpTimeoutException"));
        }
    }

    @Test
    void anUnreachableWebhookIsRetriedThenGivenUp() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        WebhookOutcome outcome = client.deliver(target(URI.create("http://127.0.0.1:" + closedPort + "/hook"), 2),
                TerminalOutputTest.alert());
        assertThat(outcome).isInstanceOfSatisfying(WebhookOutcome.GaveUp.class,
                gaveUp -> assertThat(gaveUp.reason()).contains("ConnectException"));
    }
}
