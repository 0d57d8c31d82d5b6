package dev.tern.milter;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A filter on 127.0.0.1 that follows a script, for the faults a real milter library will not produce: silence,
 * garbage, lengths out of bounds, actions that were refused, a connection dropped mid-conversation. Serves one
 * connection on one virtual thread; records every packet it reads.
 */
final class FakeFilter implements AutoCloseable {
    interface Script {
        void run(Peer peer) throws IOException, InterruptedException;
    }

    /** The filter's side of the connection. */
    static final class Peer {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        final List<MilterPacket> received = new CopyOnWriteArrayList<>();
        private final CountDownLatch released;

        Peer(Socket socket, CountDownLatch released) throws IOException {
            this.released = released;
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        MilterPacket read() throws IOException {
            int length = in.readInt();
            byte command = in.readByte();
            byte[] data = new byte[length - 1];
            in.readFully(data);
            MilterPacket packet = new MilterPacket(command, data);
            received.add(packet);
            return packet;
        }

        /** Reads packets (macros among them) up to and including the next {@code command}. */
        MilterPacket readUntil(char command) throws IOException {
            for (int i = 0; i < 10_000; i++) {
                MilterPacket p = read();
                if (p.command() == command) return p;
            }
            throw new IOException("no '" + command + "' in 10000 packets");
        }

        void send(char command, byte[] data) throws IOException {
            out.write(new MilterPacket((byte) command, data).encode());
            out.flush();
        }

        void send(char command) throws IOException {
            send(command, new byte[0]);
        }

        void sendString(char command, String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            send(command, ByteBuffer.allocate(b.length + 1).put(b).put((byte) 0).array());
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Answers the MTA's option negotiation with version 6, these masks and (version 6) macro lists. */
        void negotiate(int actions, int protocol, byte[] macroLists) throws IOException {
            MilterPacket offer = read();
            if (offer.command() != 'O') throw new IOException("expected OPTNEG, got " + (char) offer.command());
            send('O', ByteBuffer.allocate(12 + macroLists.length).putInt(6).putInt(actions).putInt(protocol).put(macroLists).array());
        }

        void negotiate(int actions, int protocol) throws IOException {
            negotiate(actions, protocol, new byte[0]);
        }

        /**
         * A well-behaved filter: continue to every stage that expects a reply, {@code rcptReply} to RCPT, and
         * {@code eom} (modification packets, then a verdict) at end of message, until QUIT.
         */
        void serve(char rcptReply, MilterPacket... eom) throws IOException {
            for (int i = 0; i < 100_000; i++) {
                MilterPacket p = read();
                switch (p.command()) {
                    case 'D', 'A' -> { } // macros and abort get no reply
                    case 'Q' -> {
                        return;
                    }
                    case 'R' -> send(rcptReply);
                    case 'E' -> {
                        for (MilterPacket e : eom) {
                            out.write(e.encode());
                        }
                        out.flush();
                    }
                    default -> send('c');
                }
            }
        }

        /** Reads and records until the MTA closes the connection. */
        void drain() throws IOException {
            try {
                for (int i = 0; i < 1_000_000; i++) read();
            } catch (EOFException closed) { // the MTA hung up: what the script was waiting for
            }
        }

        /** Neither reads nor writes until the test ends (at most 10 s): the filter hangs. */
        void hang() throws InterruptedException {
            released.await(10, TimeUnit.SECONDS);
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Thread thread;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Peer peer;
    private volatile Throwable failure;

    FakeFilter(Script script) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().name("fake-filter").start(() -> {
            try (Socket socket = server.accept()) {
                peer = new Peer(socket, released);
                script.run(peer);
            } catch (EOFException closed) { // the MTA hung up while the script read: fine for these tests
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (!server.isClosed()) failure = e;
            }
        });
    }

    String address() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    List<MilterPacket> received() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(5));
        return peer == null ? List.of() : List.copyOf(peer.received);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        released.countDown();
        server.close();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
