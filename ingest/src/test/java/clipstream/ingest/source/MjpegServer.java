package clipstream.ingest.source;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A live MJPEG-over-HTTP camera on 127.0.0.1, as IP cameras serve them (multipart/x-mixed-replace). Connection
 * {@code i} streams solid frames of {@code colours[i]}; all but the last connection end after
 * {@code framesBeforeEnd} frames as {@link Ending} says, the last streams until the client goes away.
 */
public final class MjpegServer implements AutoCloseable {
    private static final String BOUNDARY = "clipstreamframe";

    /** How a connection that is not the last ends. */
    public enum Ending {
        /** The server closes the connection cleanly: the stream has ended. */
        CLOSE,
        /** The server sends nothing more but keeps the connection open: a stalled camera or network. */
        STALL
    }

    private final ServerSocket socket;
    private final List<Color> colours;
    private final int framesBeforeEnd;
    private final Ending ending;
    private final AtomicInteger connections = new AtomicInteger();

    public MjpegServer(List<Color> colours, int framesBeforeEnd, Ending ending) throws IOException {
        this.socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.colours = colours;
        this.framesBeforeEnd = framesBeforeEnd;
        this.ending = ending;
        Thread acceptor = new Thread(this::accept, "mjpeg-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/stream";
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                int index = Math.min(connections.getAndIncrement(), colours.size() - 1);
                // a connection of its own thread: a stalled one must not keep the reconnect from being accepted
                Thread connection = new Thread(() -> serve(client, index), "mjpeg-connection-" + index);
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                // the server is closing
            }
        }
    }

    private void serve(Socket client, int index) {
        try (client) {
            boolean last = index == colours.size() - 1;
            InputStream in = client.getInputStream();
            readRequest(in);
            stream(client.getOutputStream(), jpeg(colours.get(index)), last ? Integer.MAX_VALUE : framesBeforeEnd);
            if (ending == Ending.STALL) {
                // silent until the client gives up and hangs up
                while (in.read() >= 0) {
                    // the client sends nothing more; read() returns -1 once it closes
                }
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    private static void stream(OutputStream out, byte[] jpeg, int frames) throws IOException {
        out.write(("HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace;boundary=" + BOUNDARY
                + "\r\nCache-Control: no-cache\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < frames; i++) {
            out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(jpeg);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** Reads an HTTP request up to the blank line that ends its head. */
    static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }

    private static byte[] jpeg(Color colour) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
