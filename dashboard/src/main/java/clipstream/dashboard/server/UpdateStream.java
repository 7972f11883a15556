package clipstream.dashboard.server;

import clipstream.dashboard.board.BoardView;
import clipstream.dashboard.board.CameraBoard;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/updates}: server-sent events, one {@link BoardView} per message as JSON. The first is the whole
 * board; each next one what changed since the previous, sent as soon as something changes but at most once per
 * {@code minInterval}, and at least once per {@code healthEvery} (health changes with time alone). A slow page gets
 * fewer, larger updates; nothing queues for it. At most {@code maxPages} streams at once; more are refused (503).
 */
final class UpdateStream implements HttpHandler {
    static final Duration MIN_INTERVAL = Duration.ofMillis(200);
    static final Duration HEALTH_EVERY = Duration.ofSeconds(1);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final CameraBoard board;
    private final ObjectMapper json;
    private final int maxPages;
    private final AtomicInteger pages = new AtomicInteger();
    private volatile boolean open = true;

    UpdateStream(CameraBoard board, ObjectMapper json, int maxPages) {
        this.board = board;
        this.json = json;
        this.maxPages = maxPages;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (pages.incrementAndGet() > maxPages) {
            pages.decrementAndGet();
            DashboardServer.send(exchange, 503, "text/plain; charset=utf-8",
                    ("At most " + maxPages + " pages at once; close one").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            long since = -1;
            while (open) {
                BoardView view = board.changesSince(since);
                out.write(DATA);
                out.write(json.writeValueAsBytes(view));
                out.write(END);
                out.flush();
                since = view.version();
                long sent = System.nanoTime();
                board.awaitChange(since, HEALTH_EVERY.toMillis());
                long wait = MIN_INTERVAL.toMillis() - (System.nanoTime() - sent) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
        } catch (IOException e) {
            // the page went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pages.decrementAndGet();
        }
    }

    int pages() {
        return pages.get();
    }

    /** Ends every stream at its next update. */
    void close() {
        open = false;
    }
}
