package clipstream.ingest.run;

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
 * {@code i} streams solid frames of {@code colours[i]}; all but the last connection drop after
 * {@code framesBeforeDrop} frames, the last streams until the client goes away.
 */
final class MjpegServer implements AutoCloseable {
    private static final String BOUNDARY = "clipstreamframe";

    private final ServerSocket socket;
    private final List<Color> colours;
    private final int framesBeforeDrop;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    MjpegServer(List<Color> colours, int framesBeforeDrop) throws IOException {
        this.socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.colours = colours;
        this.framesBeforeDrop = framesBeforeDrop;
        this.acceptor = new Thread(this::accept, "mjpeg-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/stream";
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                int index = Math.min(connections.getAndIncrement(), colours.size() - 1);
                boolean last = index == colours.size() - 1;
                serve(client, jpeg(colours.get(index)), last ? Integer.MAX_VALUE : framesBeforeDrop);
            } catch (IOException e) {
                // the client hung up, or the server is closing: wait for the next connection
            }
        }
    }

    private static void serve(Socket client, byte[] jpeg, int frames) throws IOException {
        readRequest(client.getInputStream());
        OutputStream out = client.getOutputStream();
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

    private static void readRequest(InputStream in) throws IOException {
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
