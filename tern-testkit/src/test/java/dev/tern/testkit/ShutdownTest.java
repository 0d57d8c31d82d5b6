package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
    @TempDir
    Path data;

    @Test
    void openSessionsAreToldWith421WhenTheServerStops() throws Exception {
        // RFC 5321 §3.8: a server that must close the connection answers 421 and closes.
        TestServer server = TestServer.start(data);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            assertThat(Transcript.readLine(in)).startsWith("220 ");
            server.close();
            assertThat(Transcript.readLine(in)).startsWith("421 4.3.2");
            assertThat(Transcript.readLine(in)).isNull();
        } finally {
            server.close();
        }
    }
}
