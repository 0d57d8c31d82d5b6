package dev.tern.milter;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The socket to one filter: packets out and in, every operation under a deadline kept by a {@link Watchdog}.
 * Not thread-safe; one SMTP connection's thread uses it.
 */
final class MilterConnection implements AutoCloseable {
    /** A filter broke the protocol: a length out of bounds, or a reply that does not fit the stage. */
    static final class Fault extends Exception {
        Fault(String message) {
            super(message);
        }
    }

    private final SocketChannel channel;
    private final Watchdog watchdog;
    private final ByteBuffer lengthBuffer = ByteBuffer.allocate(4);

    private MilterConnection(SocketChannel channel, String name) {
        this.channel = channel;
        this.watchdog = new Watchdog(channel, name);
    }

    static MilterConnection open(MilterAddress address, Duration connectTimeout, String name) throws IOException {
        SocketAddress target = address.socketAddress();
        if (target instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new IOException("cannot resolve " + inet.getHostString());
        }
        SocketChannel channel = target instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        MilterConnection connection = new MilterConnection(channel, name);
        try {
            connection.watchdog.arm(connectTimeout.toNanos());
            channel.connect(target);
            // Each stage is a small request and a small reply: Nagle's delay would add ~40 ms to every one.
            if (target instanceof InetSocketAddress) channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection.watchdog.disarm();
            return connection;
        } catch (IOException e) {
            connection.close();
            throw connection.timedOut() ? new SocketTimeoutException("connect timed out after " + connectTimeout) : e;
        }
    }

    void send(MilterPacket packet, Duration timeout) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(packet.encode());
        watchdog.arm(timeout.toNanos());
        try {
            // A blocking channel writes everything or fails; the watchdog bounds the wait.
            while (b.hasRemaining()) channel.write(b);
        } catch (IOException e) {
            throw timedOut() ? new SocketTimeoutException("write timed out after " + timeout) : e;
        } finally {
            watchdog.disarm();
        }
    }

    /** The next packet, within {@code timeout}; a length beyond {@code maxLength} is a fault, read no further. */
    MilterPacket receive(Duration timeout, int maxLength) throws IOException, Fault {
        watchdog.arm(timeout.toNanos());
        try {
            lengthBuffer.clear();
            fill(lengthBuffer);
            int announced = lengthBuffer.flip().getInt();
            int length = MilterPacket.dataLength(announced, maxLength);
            if (length < 0) throw new Fault("reply length " + Integer.toUnsignedString(announced) + " out of bounds");
            ByteBuffer body = ByteBuffer.allocate(length + 1);
            fill(body);
            body.flip();
            byte command = body.get();
            byte[] data = new byte[length];
            body.get(data);
            return new MilterPacket(command, data);
        } catch (IOException e) {
            throw timedOut() ? new SocketTimeoutException("no reply within " + timeout) : e;
        } finally {
            watchdog.disarm();
        }
    }

    private void fill(ByteBuffer b) throws IOException {
        // Each read blocks until a byte or end of stream; the watchdog closes the channel at the deadline.
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException("filter closed the connection");
        }
    }

    private boolean timedOut() {
        return watchdog.fired();
    }

    @Override
    public void close() {
        watchdog.close();
        try {
            channel.close();
        } catch (IOException e) { // ignored: nothing more is sent on a connection being closed
        }
    }
}
