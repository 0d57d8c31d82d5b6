package dev.tern.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.sasl.ChannelBinding;
import dev.tern.testbase.TrustAll;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared listener over real sockets: greeting, STARTTLS upgrade, implicit TLS, limits, shutdown. */
class NetListenerTest {
    @TempDir
    Path data;

    private static NetListener.Settings settings(boolean implicitTls, int max, int perAddress, List<String> exempt) {
        return new NetListener.Settings("test", List.of(new InetSocketAddress("127.0.0.1", 0)), implicitTls, max,
                perAddress, exempt, "* BYE Too many connections", "* BYE Too many connections from your address",
                Duration.ofSeconds(5));
    }

    /** A line protocol: greets, echoes lines, upgrades on STARTTLS, says whether it is secure. */
    private static void echo(NetConnection c) throws IOException {
        var out = c.out();
        out.write(("* OK " + c.listener() + " secure=" + c.secure() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = new BufferedReader(new InputStreamReader(c.in(), StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("STARTTLS")) {
                out.write("OK begin\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                c.startTls(); // whatever the reader buffered is dropped with it
                out = c.out();
                in = new BufferedReader(new InputStreamReader(c.in(), StandardCharsets.US_ASCII));
                boolean bound = c.channelBinding() instanceof ChannelBinding.TlsExporter;
                out.write(("OK secure=" + c.secure() + " binding=" + bound + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(("ECHO " + line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }
    }

    private TlsContext tls() throws IOException {
        return TlsContext.open(TlsSettings.defaults(), data, "net.tern.test");
    }

    @Test
    void startTlsUpgradesAndDropsWhatWasPipelinedBeforeTheHandshake() throws Exception {
        try (NetListener listener = new NetListener(settings(false, 10, 10, List.of()), tls(), NetListenerTest::echo)) {
            listener.start();
            try (Socket plain = new Socket()) {
                plain.connect(listener.addresses().getFirst(), 5000);
                plain.setSoTimeout(5000);
                var in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("* OK test secure=false");
                // The injection: a command pipelined in the same packet as STARTTLS.
                plain.getOutputStream().write("STARTTLS\r\nINJECTED\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("OK begin");
                SSLSocket secured = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "127.0.0.1",
                        plain.getPort(), true);
                secured.startHandshake();
                var tlsIn = new BufferedReader(new InputStreamReader(secured.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(tlsIn.readLine()).isEqualTo("OK secure=true binding=true");
                secured.getOutputStream().write("AFTER\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(tlsIn.readLine()).isEqualTo("ECHO AFTER"); // not ECHO INJECTED
            }
        }
    }

    @Test
    void implicitTlsHandshakesBeforeTheHandler() throws Exception {
        try (NetListener listener = new NetListener(settings(true, 10, 10, List.of()), tls(), NetListenerTest::echo)) {
            listener.start();
            InetSocketAddress address = listener.addresses().getFirst();
            try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
                socket.setSoTimeout(5000);
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("* OK test secure=true");
            }
        }
    }

    @Test
    void refusesOverThePerAddressLimitUnlessExemptAndOverTheTotal() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ConnectionHandler holding = c -> {
            c.out().write("* OK\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out().flush();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (NetListener listener = new NetListener(settings(false, 3, 1, List.of("127.0.0.3/32")), tls(), holding)) {
            listener.start();
            int port = listener.addresses().getFirst().getPort();
            // One at a time, each greeted or refused before the next connects: the limiter sees them in order.
            try (Socket first = connect("127.0.0.2", port)) {
                assertThat(firstLine(first)).isEqualTo("* OK");
                try (Socket second = connect("127.0.0.2", port)) {
                    assertThat(firstLine(second)).isEqualTo("* BYE Too many connections from your address");
                }
                try (Socket exempt1 = connect("127.0.0.3", port)) {
                    assertThat(firstLine(exempt1)).isEqualTo("* OK");
                    try (Socket exempt2 = connect("127.0.0.3", port)) {
                        assertThat(firstLine(exempt2)).isEqualTo("* OK");
                        try (Socket over = connect("127.0.0.4", port)) {
                            assertThat(firstLine(over)).isEqualTo("* BYE Too many connections");
                        }
                    }
                }
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void closeEndsConnectionsThatDoNotFinishInTheGrace() throws Exception {
        NetListener listener = new NetListener(settings(false, 10, 10, List.of()), tls(), NetListenerTest::echo);
        listener.start();
        try (Socket socket = connect("127.0.0.1", listener.addresses().getFirst().getPort())) {
            assertThat(firstLine(socket)).isEqualTo("* OK test secure=false");
            long start = System.nanoTime();
            listener.close(Duration.ofMillis(200));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed under the handler
            assertThat(listener.openConnections()).isZero();
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAfterTheWriteTimeout() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        ConnectionHandler flooding = c -> {
            c.writeTimeout(Duration.ofSeconds(1));
            var out = c.out();
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 100_000; i++) out.write(chunk); // 6.4 GB at most: far more than any socket buffer
            } finally {
                ended.countDown();
            }
        };
        try (NetListener listener = new NetListener(settings(false, 10, 10, List.of()), tls(), flooding);
             Socket idle = new Socket()) {
            listener.start();
            idle.setReceiveBufferSize(4096);
            idle.connect(listener.addresses().getFirst(), 5000); // and never reads
            assertThat(ended.await(20, TimeUnit.SECONDS)).as("the blocked write ended").isTrue();
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String firstLine(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static SSLContext trustAll() {
        return TrustAll.context();
    }
}
