package clipstream.ingest.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A recording served over HTTP on 127.0.0.1, as a web server serves a video file (Content-Length, no ranges). It
 * sends the first {@code bytesBeforeStall} bytes of the file and then, when that is short of the whole file,
 * nothing more while keeping the connection open: a server that stops sending mid-file.
 */
public final class VideoFileServer implements AutoCloseable {
    private final ServerSocket socket;
    private final byte[] file;
    private final int bytesBeforeStall;
    private final String path;

    public VideoFileServer(Path video, int bytesBeforeStall) throws IOException {
        this.socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.file = Files.readAllBytes(video);
        this.bytesBeforeStall = Math.min(bytesBeforeStall, file.length);
        this.path = "/" + video.getFileName();
        Thread acceptor = new Thread(this::accept, "video-file-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server that sends the whole file and closes the connection. */
    public static VideoFileServer whole(Path video) throws IOException {
        return new VideoFileServer(video, Integer.MAX_VALUE);
    }

    /** The file's URL, ending in its name (so that it is taken for a recording). */
    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    public int size() {
        return file.length;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread connection = new Thread(() -> serve(client), "video-file-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                // the server is closing
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            MjpegServer.readRequest(in);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/x-matroska\r\nContent-Length: " + file.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(file, 0, bytesBeforeStall);
            out.flush();
            if (bytesBeforeStall < file.length) {
                while (in.read() >= 0) {
                    // silent until the client gives up and hangs up
                }
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
