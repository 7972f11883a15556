package clipstream.alerts.outputs;

import clipstream.alerts.rules.WebhookTarget;
import clipstream.schema.Alert;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSTs an alert as JSON to a webhook, retrying with exponential backoff; never waits longer than the target allows. */
public final class WebhookClient {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * Delivers {@code alert} to {@code target}: up to {@code attempts} tries, each bounded by the target's timeout.
     * 2xx is success; 408, 429, 5xx, timeouts and connection errors are retried; other statuses are final.
     *
     * @throws InterruptedException if the thread is interrupted (shutdown): the alert counts as not delivered
     */
    public WebhookOutcome deliver(WebhookTarget target, Alert alert) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(target.timeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", alert.getAlertId())
                .header("User-Agent", "clipstream-alerts")
                .POST(HttpRequest.BodyPublishers.ofString(AlertJson.toJson(alert)))
                .build();
        String lastError = "";
        for (int attempt = 1; attempt <= target.attempts(); attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return new WebhookOutcome.Delivered(attempt);
                }
                lastError = "HTTP " + status;
                if (!retryable(status)) {
                    return new WebhookOutcome.GaveUp(attempt, target.url() + " refused the alert: " + lastError);
                }
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < target.attempts()) {
                Duration wait = target.backoffAfter(attempt);
                LOG.warn("Webhook {} attempt {}/{} for alert {} failed ({}); retrying in {} ms", target.url(), attempt,
                        target.attempts(), alert.getAlertId(), lastError, wait.toMillis());
                Thread.sleep(wait.toMillis());
            }
        }
        return new WebhookOutcome.GaveUp(target.attempts(), target.url() + " failed " + target.attempts()
                + " attempt(s); last error: " + lastError);
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
