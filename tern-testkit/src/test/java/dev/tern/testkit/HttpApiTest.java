package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.app.Main;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.testbase.RequiredTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP submission API end to end: {@code tern apikey}, then curl and the JDK's HttpClient posting messages. */
class HttpApiTest {
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** web.max_request here: 3 times it is more than the JDK server drains by itself from an unread body (64 KiB). */
    private static final int LIMIT = 4 << 20;
    /** The DKIM key records of signed.example, name to TXT text, for dkimpy. */
    private static final Map<String, String> records = new LinkedHashMap<>();

    @TempDir
    static Path data;
    static TestServer server;
    static String key;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // Keys for signed.example: submitted mail from that domain is DKIM-signed by the content stage.
        for (DkimKeys.Key k : DkimKeys.generate(data.resolve("dkim"), "signed.example", "api")) {
            String printed = k.dnsRecord();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(printed);
            StringBuilder text = new StringBuilder();
            while (m.find()) text.append(m.group(1));
            records.put(printed.substring(0, printed.indexOf(". IN TXT")), text.toString());
        }
        server = TestServer.start(data, c -> c.withWeb(c.web().withMaxRequest(LIMIT)));
        key = apikey("add", "app").trim();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String apikey(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "apikey";
        all[1] = args[0];
        all[2] = "--data=" + data;
        System.arraycopy(args, 1, all, 3, args.length - 1);
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private static HttpResponse<String> post(String bearer, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/messages"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body()).get("error");
    }

    @Test
    void curlSubmitsAMessageThatIsDelivered() throws Exception {
        RequiredTool.requireExecutable(CURL, "curl");
        String body = """
                {"from": "app@example.com", "to": ["alice@localhost"], "bcc": ["bob@localhost"],
                 "subject": "Grüße", "text": "Hello from curl", "html": "<p>Hello</p>",
                 "attachments": [{"filename": "a.txt", "contentType": "text/plain", "content": "aGk="}],
                 "headers": {"X-App": "test"}}""";
        Process curl = new ProcessBuilder(CURL.toString(), "-sS", "-w", "\n%{http_code}",
                "-H", "Authorization: Bearer " + key, "-H", "Content-Type: application/json",
                "--data-binary", body, server.webUrl() + "/api/v1/messages").redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String[] output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertThat(output[output.length - 1]).isEqualTo("201");
        JsonNode answer = JSON.readTree(output[0]);
        assertThat(answer.get("recipients").asInt()).isEqualTo(2);
        assertThat(answer.get("id").asText()).isNotBlank();

        List<Path> alice = server.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(10));
        String message = Files.readString(alice.getFirst(), StandardCharsets.UTF_8);
        assertThat(message).contains("From: app@example.com", "To: alice@localhost", "X-App: test",
                "multipart/mixed", "a.txt", "Hello from curl").doesNotContain("bob@localhost");
        assertThat(message).contains("Subject: =?UTF-8?");
        assertThat(server.awaitMessages("bob", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void keysAreHashedAndListedWithoutSecrets() throws Exception {
        Path file = data.resolve("web/apikeys");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain(key);
        assertThat(key).startsWith("tern_").hasSize(5 + 43);
        String list = apikey("list");
        assertThat(list).contains("app\t600/min").doesNotContain(key);
        StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "apikey", "add", "--data=" + data, "app")).isEqualTo(1);
        assertThat(err.toString()).contains("a key named app exists");
        assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "apikey", "del", "--data=" + data, "nobody")).isEqualTo(1);
        assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "apikey", "add", "--data=" + data, "bad name")).isEqualTo(1);
    }

    @Test
    void aDeletedKeyIsRefusedWithoutRestart() throws Exception {
        String other = apikey("add", "short-lived").trim();
        String ok = "{\"from\":\"a@example.com\",\"to\":[\"carol@localhost\"],\"text\":\"x\"}";
        assertThat(post(other, "application/json", ok).statusCode()).isEqualTo(201);
        apikey("del", "short-lived");
        assertThat(error(post(other, "application/json", ok), 401).get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void errorsAreJsonWithTheRightStatus() throws Exception {
        String ok = "{\"from\":\"a@example.com\",\"to\":[\"carol@localhost\"],\"text\":\"x\"}";
        assertThat(error(post(null, "application/json", ok), 401).get("code").asText()).isEqualTo("unauthorized");
        assertThat(error(post("tern_wrong", "application/json", ok), 401).get("message").asText()).contains("not known");
        assertThat(error(post(key, "text/plain", ok), 415).get("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(error(post(key, "application/json", "{\"to\":[\"carol@localhost\"]}"), 400).get("field").asText())
                .isEqualTo("from");
        assertThat(error(post(key, "application/json", "{\"from\":\"a@example.com\"}"), 400).get("field").asText())
                .isEqualTo("to");
        assertThat(error(post(key, "application/json", "{\"from\":\"a@example.com\",\"to\":[\"not an address\"]}"), 400)
                .get("field").asText()).isEqualTo("to");
        assertThat(error(post(key, "application/json", "{\"from\":\"a@example.com\",\"cc\":[\"x@\"]}"), 400)
                .get("field").asText()).isEqualTo("cc");
        assertThat(error(post(key, "application/json", "{\"from\":\"a@example.com\",\"to\":[\"c@localhost\"],"
                + "\"headers\":{\"Bcc\":\"x@localhost\"}}"), 400).get("field").asText()).isEqualTo("headers");
        assertThat(error(post(key, "application/json", "{\"from\":\"a@example.com\",\"to\":[\"c@localhost\"],"
                + "\"attachments\":[{\"filename\":\"f\",\"content\":\"!!!\"}]}"), 400).get("field").asText())
                .isEqualTo("attachments[0].content");
        String huge = "{\"from\":\"a@example.com\",\"to\":[\"c@localhost\"],\"text\":\"" + "x".repeat(3 * LIMIT) + "\"}";
        assertThat(error(post(key, "application/json", huge), 413).get("code").asText()).isEqualTo("too_large");
    }

    @Test
    void aClientSendingThreeTimesTheLimitGetsA413NotAReset() throws Exception {
        RequiredTool.requireExecutable(CURL, "curl");
        Path file = data.resolve("huge.json");
        Files.writeString(file, "{\"from\":\"a@example.com\",\"to\":[\"c@localhost\"],\"text\":\""
                + "x".repeat(3 * LIMIT) + "\"}");
        for (String length : List.of("Content-Length", "chunked")) {
            List<String> command = new java.util.ArrayList<>(List.of(CURL.toString(), "-sS", "-w", "\n%{http_code}",
                    "-H", "Authorization: Bearer " + key, "-H", "Content-Type: application/json",
                    // No "Expect: 100-continue" (curl's own above 1 MiB): the client sends its body at once, as most do.
                    "-H", "Expect:", "--data-binary", "@" + file, server.webUrl() + "/api/v1/messages"));
            if (length.equals("chunked")) command.addAll(4, List.of("-H", "Transfer-Encoding: chunked"));
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.exitValue()).as(length + ": " + output).isZero();
            String[] lines = output.split("\n");
            assertThat(lines[lines.length - 1]).as(output).isEqualTo("413");
            assertThat(JSON.readTree(lines[0]).get("error").get("code").asText()).isEqualTo("too_large");
        }
        // Python's http.client sends the whole body before it reads: a server that closed early would reset it.
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        String script = """
                import http.client, sys
                c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
                c.request("POST", "/api/v1/messages", body=open(sys.argv[2], "rb"), headers={
                    "Authorization": "Bearer " + sys.argv[3], "Content-Type": "application/json",
                    "Content-Length": sys.argv[4]})
                r = c.getresponse()
                print(r.status, r.read().decode())
                """;
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", script, Integer.toString(server.webPort()),
                file.toString(), key, Long.toString(Files.size(file))).redirectErrorStream(true).start();
        String answer = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(answer).as(answer).startsWith("413 ").contains("too_large");
    }

    @Test
    void aSubmissionGetsReceivedAndADkimSignatureThatDkimpyVerifies() throws Exception {
        String body = """
                {"from": "Shop <shop@signed.example>", "to": ["grace@localhost"], "subject": "Signed, Grüße",
                 "text": "Your order is on its way.\\n", "html": "<p>Your order is on its way.</p>"}""";
        HttpResponse<String> created = post(key, "application/json", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        String message = Files.readString(server.awaitMessages("grace", "localhost", 1, Duration.ofSeconds(10)).getFirst(),
                StandardCharsets.UTF_8);
        String received = message.substring(message.indexOf("Received: from [127.0.0.1] (API key app)"));
        assertThat(received.substring(0, received.indexOf(';')).replaceAll("\\s+", " "))
                .isEqualTo("Received: from [127.0.0.1] (API key app) by localhost (Tern) with HTTPA id " + id
                        + " for <grace@localhost>");
        assertThat(message).contains("DKIM-Signature:", "d=signed.example", "Message-ID: <" + id + "@localhost>",
                "\nDate: ");

        RequiredTool.require(RequiredTool.systemPythonHas("dkim"), "dkimpy is not installed (Debian package python3-dkim)");
        Path eml = data.resolve("signed.eml");
        Path keys = data.resolve("keys.json");
        Files.writeString(eml, message.replace("\r\n", "\n").replace("\n", "\r\n"));
        Files.writeString(keys, JSON.writeValueAsString(records));
        int signatures = message.split("DKIM-Signature:", -1).length - 1;
        Process python = new ProcessBuilder("/usr/bin/python3",
                "../tern-mailauth/src/test/resources/dev/tern/mailauth/dkim/dkimpy_tool.py", "verify",
                eml.toString(), keys.toString(), Integer.toString(signatures)).redirectErrorStream(true).start();
        String verdicts = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verdicts.strip().split("\n")).as(verdicts).hasSize(signatures).containsOnly("pass");
        // A tampered copy fails, so the check above is not vacuous.
        Files.writeString(eml, message.replace("on its way", "in the post").replace("\r\n", "\n").replace("\n", "\r\n"));
        Process tampered = new ProcessBuilder("/usr/bin/python3",
                "../tern-mailauth/src/test/resources/dev/tern/mailauth/dkim/dkimpy_tool.py", "verify",
                eml.toString(), keys.toString(), "1").redirectErrorStream(true).start();
        String failed = new String(tampered.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tampered.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.strip()).startsWith("fail");
    }

    @Test
    void aKeyLimitedToADomainCannotSendAsAnother() throws Exception {
        String limited = apikey("add", "limited", "--from", "@example.org", "--from", "boss@example.net").trim();
        String body = "{\"from\":\"%s\",\"to\":[\"dave@localhost\"],\"text\":\"x\"}";
        assertThat(post(limited, "application/json", body.formatted("app@example.org")).statusCode()).isEqualTo(201);
        assertThat(post(limited, "application/json", body.formatted("boss@example.net")).statusCode()).isEqualTo(201);
        assertThat(error(post(limited, "application/json", body.formatted("app@example.com")), 403).get("code").asText())
                .isEqualTo("forbidden_sender");
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfter() throws Exception {
        String slow = apikey("add", "slow", "--rate", "2").trim();
        String body = "{\"from\":\"a@example.com\",\"to\":[\"erin@localhost\"],\"text\":\"x\"}";
        assertThat(post(slow, "application/json", body).statusCode()).isEqualTo(201);
        assertThat(post(slow, "application/json", body).statusCode()).isEqualTo(201);
        HttpResponse<String> refused = post(slow, "application/json", body);
        assertThat(error(refused, 429).get("code").asText()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 30L);
        assertThat(server.awaitMessages("erin", "localhost", 2, Duration.ofSeconds(10))).hasSize(2);
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyIsQueuedOnceEvenAfterARestart(@TempDir Path own) throws Exception {
        String body = "{\"from\":\"a@example.com\",\"to\":[\"frank@localhost\"],\"text\":\"once\"}";
        TestServer first = TestServer.start(own);
        String ownKey;
        String answer;
        try {
            StringWriter out = new StringWriter();
            assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                    "apikey", "add", "--data=" + own, "retrying")).isZero();
            ownKey = out.toString().trim();
            HttpResponse<String> created = idempotent(first, ownKey, "order-17", body);
            assertThat(created.statusCode()).isEqualTo(201);
            answer = created.body();
            HttpResponse<String> again = idempotent(first, ownKey, "order-17", body);
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(again.body()).isEqualTo(answer);
            HttpResponse<String> changed = idempotent(first, ownKey, "order-17", body.replace("once", "twice"));
            assertThat(error(changed, 422).get("code").asText()).isEqualTo("idempotency_mismatch");
            assertThat(first.awaitMessages("frank", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        } finally {
            first.close();
        }
        // A stopped server holds the idempotency log's file no longer (a test suite starts many servers).
        assertThat(openFilesUnder(own.resolve("web"))).isEmpty();
        TestServer second = TestServer.start(own);
        try {
            HttpResponse<String> replayed = idempotent(second, ownKey, "order-17", body);
            assertThat(replayed.statusCode()).isEqualTo(201);
            assertThat(replayed.body()).isEqualTo(answer);
            assertThat(idempotent(second, ownKey, "order-18", body).statusCode()).isEqualTo(201);
            assertThat(second.awaitMessages("frank", "localhost", 2, Duration.ofSeconds(10))).hasSize(2);
            Thread.sleep(300); // a second copy of order-17 would arrive by now
            assertThat(second.newMessages("frank", "localhost")).hasSize(2);
        } finally {
            second.close();
        }
    }

    private static HttpResponse<String> idempotent(TestServer target, String bearer, String idempotencyKey, String body)
            throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(target.webUrl() + "/api/v1/messages"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRawMessageTakesItsEnvelopeFromItsHeaderAndLosesBcc() throws Exception {
        RequiredTool.requireExecutable(CURL, "curl");
        String message = "From: App <app@example.com>\nTo: gina@localhost\nBcc: hank@localhost\nSubject: raw\n\nraw body\n";
        Path file = data.resolve("raw.eml");
        Files.writeString(file, message);
        Process curl = new ProcessBuilder(CURL.toString(), "-sS", "-w", "\n%{http_code}",
                "-H", "Authorization: Bearer " + key, "-H", "Content-Type: message/rfc822",
                "--data-binary", "@" + file, server.webUrl() + "/api/v1/messages").redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String[] output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertThat(output[output.length - 1]).as(String.join("\n", output)).isEqualTo("201");
        assertThat(JSON.readTree(output[0]).get("recipients").asInt()).isEqualTo(2);
        String gina = Files.readString(server.awaitMessages("gina", "localhost", 1, Duration.ofSeconds(10)).getFirst());
        assertThat(gina).contains("Subject: raw\n", "\nraw body\n").doesNotContain("Bcc", "hank");
        // The content stage of submission: our Received:, and the Date: and Message-ID: the message lacked.
        assertThat(gina).contains("Received: from [127.0.0.1] (API key app)", "\nDate: ", "\nMessage-ID: <");
        assertThat(server.awaitMessages("hank", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);

        HttpResponse<String> envelope = client.send(HttpRequest.newBuilder(URI.create(server.webUrl()
                        + "/api/v1/messages?from=bounce%40example.com&to=ivan%40localhost"))
                .header("Content-Type", "message/rfc822").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(message)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(envelope.statusCode()).as(envelope.body()).isEqualTo(201);
        assertThat(JSON.readTree(envelope.body()).get("recipients").asInt()).isEqualTo(1);
        assertThat(server.awaitMessages("ivan", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(error(post(key, "message/rfc822", "Subject: none\n\nx\n"), 400).get("field").asText()).isEqualTo("from");
    }

    @Test
    void aFullSpoolIs503WithRetryAfter(@TempDir Path own) throws Exception {
        // A free-space reserve larger than any disk: the spool refuses new mail as on a full disk (SMTP's 452 4.3.1).
        TestServer full = TestServer.start(own, c -> c.withSpool(c.spool().withMinFreeBytes(Long.MAX_VALUE / 4)));
        try {
            StringWriter out = new StringWriter();
            assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                    "apikey", "add", "--data=" + own, "full")).isZero();
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(full.webUrl() + "/api/v1/messages"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + out.toString().trim())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"a@example.com\",\"to\":[\"jo@localhost\"],\"text\":\"x\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(error(refused, 503).get("code").asText()).isEqualTo("unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        } finally {
            full.close();
        }
    }

    @Test
    void bodiesHeldAtOnceAreBoundedAndTheRestGetA503() throws Exception {
        // 17 requests that each declare the largest body and send none of it yet: more than the 16 bodies of that
        // size the server holds at once (less on a small heap), so at least one is answered 503 instead of waiting.
        List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 17; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", server.webPort());
                socket.setSoTimeout(50);
                socket.getOutputStream().write(("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + LIMIT + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                held.add(socket);
            }
            String answer = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (answer == null && System.nanoTime() < deadline) {
                for (java.net.Socket socket : held) {
                    byte[] buffer = new byte[4096];
                    try {
                        int n = socket.getInputStream().read(buffer);
                        if (n > 0) answer = new String(buffer, 0, n, StandardCharsets.US_ASCII);
                    } catch (java.net.SocketTimeoutException e) {
                        continue; // still waiting for its body, as it should
                    }
                    if (answer != null) break;
                }
            }
            assertThat(answer).as("no request was refused").isNotNull();
            assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After:").contains("unavailable");
        } finally {
            for (java.net.Socket socket : held) socket.close();
        }
        // The shares come back when those clients go: a request is taken again.
        String ok = "{\"from\":\"a@example.com\",\"to\":[\"carol@localhost\"],\"text\":\"x\"}";
        assertThat(post(key, "application/json", ok).statusCode()).isEqualTo(201);
    }

    /** The files this JVM has open below {@code directory}, from /proc/self/fd. */
    private static List<Path> openFilesUnder(Path directory) throws java.io.IOException {
        List<Path> open = new java.util.ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(directory.toRealPath())) open.add(target);
                } catch (java.io.IOException gone) {
                    // closed while listed
                }
            }
        }
        return open;
    }
}
