package clipstream.it.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports: free ones picked before a process binds them, and the check that they are free again. */
final class FreePorts {
    static final String LOOPBACK = "127.0.0.1";

    private FreePorts() {
    }

    /**
     * Ports are picked below the ephemeral range (Linux: 32768 and up, {@code ip_local_port_range}; macOS and Windows:
     * 49152 and up): a port picked there and bound seconds later by a child process (after Kafka formats its storage)
     * cannot meanwhile become the local port of some outgoing connection, which an OS-chosen port ({@code new
     * ServerSocket(0)}) can.
     */
    static final int FIRST = 20_000;
    static final int LAST = 32_767;
    /** Ports already handed out by this JVM: two clusters starting side by side never get the same one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    /** {@code count} distinct ports free on 127.0.0.1 now (all held open together, so no port is picked twice). */
    static synchronized List<Integer> pick(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            int span = LAST - FIRST + 1;
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int i = 0; i < span && ports.size() < count; i++) {
                int port = FIRST + (start + i) % span;
                if (HANDED_OUT.contains(port)) {
                    continue;
                }
                try {
                    sockets.add(new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK)));
                    ports.add(port);
                } catch (IOException taken) {
                    // in use: the next one
                }
            }
            if (ports.size() < count) {
                throw new IOException("only " + ports.size() + " of " + count + " ports free in " + FIRST + "-" + LAST);
            }
            HANDED_OUT.addAll(ports);
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
