package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The POP3 listeners over real sockets on 127.0.0.1, driven line by line. */
class Pop3WireTest {
    @TempDir
    Path dir;
    private Pop3Fixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) fixture.close();
    }

    private Pop3Fixture start(Pop3Settings settings) throws IOException {
        fixture = new Pop3Fixture(dir, settings);
        return fixture;
    }

    /** A client: lines out with CRLF, lines in without. */
    static final class Client implements AutoCloseable {
        Socket socket;
        BufferedReader in;
        OutputStream out;

        Client(Socket socket) throws IOException {
            use(socket);
        }

        void use(Socket s) throws IOException {
            socket = s;
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            out = s.getOutputStream();
        }

        Client send(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        String line() throws IOException {
            return in.readLine();
        }

        /** Lines up to the terminating dot of a multi-line response (the dot not included). */
        java.util.List<String> body() throws IOException {
            java.util.List<String> lines = new java.util.ArrayList<>();
            for (String l = line(); l != null && !l.equals("."); l = line()) lines.add(l);
            return lines;
        }

        void startTls() throws IOException {
            SSLSocket tls = (SSLSocket) Pop3Fixture.trustAll().getSocketFactory()
                    .createSocket(socket, "127.0.0.1", socket.getPort(), true);
            tls.startHandshake();
            use(tls);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void loopbackTranscriptWithPlaintextAllowed() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings().withPlaintextOnLoopback(true));
        f.deliver("Subject: hi\n\n.dot\nbye\n");
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            assertThat(c.line()).isEqualTo("+OK Tern POP3 server ready");
            assertThat(c.send("CAPA").line()).startsWith("+OK");
            assertThat(c.body()).contains("USER", "SASL PLAIN SCRAM-SHA-256", "STLS", "UIDL", "TOP");
            assertThat(c.send("USER alice@local.test").line()).isEqualTo("+OK send PASS");
            assertThat(c.send("PASS secret").line()).startsWith("+OK logged in; maildrop has 1 message ");
            assertThat(f.server.isLocked(Pop3Fixture.ALICE)).isTrue();
            assertThat(c.send("UIDL 1").line()).isEqualTo("+OK 1 " + f.uniqueId(1));
            assertThat(c.send("RETR 1").line()).isEqualTo("+OK 26 octets");
            assertThat(c.body()).containsExactly("Subject: hi", "", "..dot", "bye");
            assertThat(c.send("DELE 1").line()).startsWith("+OK");
            assertThat(c.send("QUIT").line()).isEqualTo("+OK Tern POP3 server signing off (1 deleted)");
            assertThat(c.line()).isNull();
        }
        assertThat(f.uids()).isEmpty();
        assertThat(f.server.isLocked(Pop3Fixture.ALICE)).isFalse();
    }

    @Test
    void stlsDiscardsWhatWasSentAheadOfTheHandshake() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings());
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            c.line();
            assertThat(c.send("USER alice@local.test").line()).isEqualTo("-ERR USER needs TLS: send STLS first");
            // RFC 2595 §4 / CVE-2011-0411: a command pipelined behind STLS must not run after the handshake.
            c.send("STLS\r\nCAPA");
            assertThat(c.line()).isEqualTo("+OK begin TLS negotiation");
            c.startTls();
            assertThat(c.send("NOOP").line()).isEqualTo("-ERR log in first (USER and PASS, or AUTH)");
            assertThat(c.send("CAPA").line()).startsWith("+OK");
            assertThat(c.body()).contains("USER").doesNotContain("STLS")
                    .anyMatch(l -> l.startsWith("SASL PLAIN SCRAM-SHA-256"));
            assertThat(c.send("USER alice@local.test").line()).isEqualTo("+OK send PASS");
            assertThat(c.send("PASS secret").line()).startsWith("+OK logged in");
        }
    }

    @Test
    void implicitTlsOffersScramPlusAndNoStls() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings());
        Socket plain = new Socket("127.0.0.1", f.tlsPort());
        SSLSocket tls = (SSLSocket) Pop3Fixture.trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", f.tlsPort(), true);
        try (Client c = new Client(tls)) {
            assertThat(c.line()).isEqualTo("+OK Tern POP3 server ready");
            assertThat(c.send("CAPA").line()).startsWith("+OK");
            assertThat(c.body()).contains("USER", "SASL PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS").doesNotContain("STLS");
        }
    }

    @Test
    void overlongLinesAreAnsweredNotFatal() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings());
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            c.line();
            assertThat(c.send("NOOP " + "x".repeat(600)).line()).isEqualTo("-ERR command line too long (at most 512 octets)");
            assertThat(c.send("NOOP " + "x".repeat(20_000)).line()).isEqualTo("-ERR command line too long");
            assertThat(c.send("QUIT").line()).isEqualTo("+OK Tern POP3 server signing off");
        }
    }

    @Test
    void tooManyErrorsCloseTheConnection() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings().withMaxErrors(3));
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            c.line();
            assertThat(c.send("HELO").line()).isEqualTo("-ERR unknown command");
            assertThat(c.send("STAT").line()).startsWith("-ERR log in first");
            assertThat(c.send("EHLO").line()).isEqualTo("-ERR unknown command; too many errors, closing");
            assertThat(c.line()).isNull();
        }
    }

    /**
     * RFC 1939 §3: when the autologout timer expires "the server should close the TCP connection without
     * removing any messages or sending any response to the client": an unsolicited -ERR could be read as the
     * answer to a command the client sends at that moment.
     */
    @Test
    void autologoutBeforeLoginClosesWithoutAResponse() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings().withLoginTimeout(Duration.ofMillis(300)));
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            c.line();
            assertThat(c.line()).isNull();
        }
    }

    @Test
    void largeMessageIsStreamedWhole() throws IOException {
        Pop3Fixture f = start(Pop3Fixture.settings().withPlaintextOnLoopback(true));
        String line = "0123456789".repeat(7) + "\n";
        f.deliver("Subject: big\n\n" + line.repeat(60_000));
        long size = f.inbox().snapshot().messages().getFirst().size();
        try (Client c = new Client(new Socket("127.0.0.1", f.port()))) {
            c.line();
            c.send("USER alice@local.test").line();
            c.send("PASS secret").line();
            // RFC 2449 §6.6 PIPELINING: several commands in one write, answered in order.
            c.send("STAT\r\nRETR 1\r\nNOOP");
            assertThat(c.line()).isEqualTo("+OK 1 " + size);
            assertThat(c.line()).isEqualTo("+OK " + size + " octets");
            java.util.List<String> body = c.body();
            assertThat(body).hasSize(60_002);
            assertThat(body.stream().mapToLong(l -> l.length() + 2).sum()).isEqualTo(size);
            assertThat(c.line()).isEqualTo("+OK");
        }
    }
}
