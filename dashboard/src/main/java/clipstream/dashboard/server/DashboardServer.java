package clipstream.dashboard.server;

import clipstream.dashboard.board.CameraBoard;
import clipstream.dashboard.board.Thumbnail;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The dashboard's HTTP server (the JDK's): the page's three files from resources, {@code /api/state} (the whole
 * board as JSON), {@code /api/thumbnail?camera=ID} (a camera's latest thumbnail, JPEG), {@code /api/updates} (the
 * live stream, {@link UpdateStream}) and {@code /api/stats} (the dashboard's own CPU time and memory).
 */
public final class DashboardServer implements AutoCloseable {
    /** Live pages at once; each holds a thread while it is open. */
    static final int MAX_PAGES = 16;
    private static final String WEB = "/clipstream/dashboard/web/";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");

    private final HttpServer server;
    private final ExecutorService threads;
    private final UpdateStream updates;
    private final URI url;

    private DashboardServer(HttpServer server, ExecutorService threads, UpdateStream updates, URI url) {
        this.server = server;
        this.threads = threads;
        this.updates = updates;
        this.url = url;
    }

    /**
     * Serves the board on {@code host}:{@code port} (0: a free port).
     *
     * @param stats the dashboard's own measurements, for {@code /api/stats}
     * @throws BindException when the port is taken
     */
    public static DashboardServer start(CameraBoard board, String host, int port, Supplier<Object> stats)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 32);
        AtomicInteger count = new AtomicInteger();
        // each live page holds a thread; a few more serve files, thumbnails and snapshots meanwhile
        ExecutorService threads = Executors.newFixedThreadPool(MAX_PAGES + 4, r -> {
            Thread thread = new Thread(r, "clipstream-dashboard-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        UpdateStream updates = new UpdateStream(board, json, MAX_PAGES);
        Map<String, byte[]> files = Map.of(
                "index.html", resource("index.html"),
                "dashboard.js", resource("dashboard.js"),
                "dashboard.css", resource("dashboard.css"));
        server.createContext("/", exchange -> {
            String file = FILES.get(exchange.getRequestURI().getPath());
            if (file == null || !isGet(exchange)) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, contentType(file), files.get(file));
        });
        server.createContext("/api/state", exchange -> send(exchange, 200, "application/json",
                json.writeValueAsBytes(board.changesSince(-1))));
        server.createContext("/api/stats", exchange -> send(exchange, 200, "application/json",
                json.writeValueAsBytes(stats.get())));
        server.createContext("/api/thumbnail", exchange -> {
            Optional<Thumbnail> thumbnail = board.thumbnail(query(exchange.getRequestURI(), "camera"));
            if (thumbnail.isEmpty()) {
                send(exchange, 404, "text/plain; charset=utf-8", "No thumbnail".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 200, "image/jpeg", thumbnail.get().jpeg());
            }
        });
        server.createContext("/api/updates", updates);
        server.start();
        URI url = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
        return new DashboardServer(server, threads, updates, url);
    }

    /** The page's address. */
    public URI url() {
        return url;
    }

    /** Pages with a live stream open now. */
    public int pages() {
        return updates.pages();
    }

    static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static boolean isGet(HttpExchange exchange) {
        return "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod());
    }

    private static String query(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return "";
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardServer.class.getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new IllegalStateException("The page's " + WEB + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        updates.close();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
