package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.web.Json;
import dev.tern.testbase.RequiredTool;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture mode end to end: Python's smtplib sends to domains the server does not serve, without logging in; the
 * capture REST API (java.net.http) lists, fetches and deletes what arrived, and a local recipient still gets its copy.
 */
class CaptureWireTest {
    @TempDir
    Path data;

    private static final String SCRIPT = """
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test") as s:
                s.sendmail("app@client.test", ["bob@example.test", "ann@other.example"], "Subject: first\\r\\n\\r\\none\\r\\n")
                s.sendmail("app@client.test", ["carl@example.test", "postmaster@localhost"], "Subject: second\\r\\n\\r\\ntwo\\r\\n")
            print("sent")
            """;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anyDomainIsAcceptedKeptListedFetchedAndDeleted() throws Exception {
        RequiredTool.requireExecutable(Path.of("/usr/bin/python3"), "python3");
        try (TestServer server = TestServer.start(data, c -> c.withWeb(c.web().withCapture(true)))) {
            var events = new java.util.concurrent.LinkedBlockingQueue<String>();
            http.sendAsync(HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/capture/events")).build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(events::add));
            assertThat(events.poll(10, TimeUnit.SECONDS)).as("stream opened").startsWith(": capture events");
            Path script = Files.writeString(data.resolve("client.py"), SCRIPT);
            Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(server.port()))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).contains("sent");

            String list = awaitList(server, 2, "bob@example.test", "ann@other.example", "carl@example.test");
            String event;
            do {
                event = events.poll(10, TimeUnit.SECONDS);
            } while (event != null && !event.startsWith("data:"));
            assertThat(event).as("a server-sent event per message").contains("@example.test");
            assertThat(list).contains("bob@example.test", "ann@other.example", "carl@example.test");
            assertThat(list.indexOf("carl@example.test")).as("newest first").isLessThan(list.indexOf("bob@example.test"));
            assertThat(get(server, "/api/v1/capture/messages?q=ann").body()).contains("ann@other.example")
                    .doesNotContain("carl@example.test");

            String id = list.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
            assertThat(get(server, "/api/v1/capture/messages/" + id + "/raw").body()).contains("Subject: second");
            assertThat(get(server, "/capture").body()).contains("new EventSource(\"/api/v1/capture/events\")");
            assertThat(get(server, "/api/v1/capture/messages/nope").statusCode()).isEqualTo(404);
            // The local postmaster still has its copy, so code under test can read it over IMAP or POP3.
            assertThat(server.awaitMessages("postmaster", "localhost", 1, Duration.ofSeconds(10))).hasSize(1);

            assertThat(send(server, "DELETE", "/api/v1/capture/messages/" + id).statusCode()).isEqualTo(204);
            assertThat(get(server, "/api/v1/capture/messages").body()).contains("\"total\":1");
            assertThat(send(server, "DELETE", "/api/v1/capture/messages").body()).contains("\"deleted\":1");
            assertThat(get(server, "/api/v1/capture/messages").body()).contains("\"total\":0");
        }
    }

    /**
     * The single-message answer carries the parsed fields (mime4j, as the console), attachments download, and
     * the list searches the subject ({@code subject:}) and the text, every word having to match, as Mailpit's.
     */
    @Test
    void parsedFieldsAttachmentsAndSearchInSubjectAndText() throws Exception {
        try (TestServer server = TestServer.start(data, c -> c.withWeb(c.web().withCapture(true)))) {
            Properties props = new Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", Integer.toString(server.port()));
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress("Shop <shop@client.test>"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("dora@example.test"));
            message.setRecipient(Message.RecipientType.CC, new InternetAddress("eli@example.test"));
            message.setSubject("Your invoice n\u00b0 42", "UTF-8");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Thank you for the marmalade order.", "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setContent("<p>Thank you, <b>html</b></p>", "text/html; charset=utf-8");
            MimeBodyPart alternative = new MimeBodyPart();
            alternative.setContent(new MimeMultipart("alternative", text, html));
            MimeBodyPart pdf = new MimeBodyPart();
            pdf.setContent(new byte[] {'%', 'P', 'D', 'F', 0, 1, 2}, "application/pdf");
            pdf.setFileName("invoice-42.pdf");
            pdf.setDisposition("attachment");
            message.setContent(new MimeMultipart(alternative, pdf));
            Transport.send(message);
            Transport.send(plain(props, "unrelated@example.test", "Weekly news", "nothing about jam"));

            String list = awaitList(server, 2);
            assertThat(list).contains("\"subject\":\"Your invoice n\u00b0 42\"", "\"subject\":\"Weekly news\"");
            String id = list.replaceAll("(?s).*\"id\":\"([^\"]+)\",\"from\":\"<shop@client.test>\".*", "$1");

            var detail = Json.MAPPER.readTree(get(server, "/api/v1/capture/messages/" + id).body());
            assertThat(detail.get("id").asText()).isEqualTo(id);
            assertThat(detail.get("to").toString()).contains("dora@example.test", "eli@example.test");
            var parsed = detail.get("message");
            assertThat(parsed.get("subject").asText()).isEqualTo("Your invoice n\u00b0 42");
            assertThat(parsed.get("from").asText()).isEqualTo("shop@client.test");
            assertThat(parsed.get("to").asText()).isEqualTo("dora@example.test");
            assertThat(parsed.get("cc").asText()).isEqualTo("eli@example.test");
            assertThat(parsed.get("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(parsed.get("text").asText()).contains("marmalade");
            assertThat(parsed.get("html").asText()).contains("<b>html</b>");
            var attachment = parsed.get("attachments").get(0);
            assertThat(attachment.get("filename").asText()).isEqualTo("invoice-42.pdf");
            assertThat(attachment.get("content_type").asText()).isEqualTo("application/pdf");
            assertThat(attachment.get("size").asInt()).isEqualTo(7);

            var download = http.send(HttpRequest.newBuilder(URI.create(server.webUrl() + attachment.get("href").asText()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).containsExactly('%', 'P', 'D', 'F', 0, 1, 2);
            assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("attachment; filename=\"invoice-42.pdf\""));
            assertThat(get(server, "/api/v1/capture/messages/" + id + "/attachments/1").statusCode()).isEqualTo(404);
            var frame = get(server, "/api/v1/capture/messages/" + id + "/html");
            assertThat(frame.body()).contains("<b>html</b>");
            assertThat(frame.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("sandbox"));

            // One row per query: the total it finds.
            for (String[] row : new String[][] {
                    {"invoice", "1"},                 // a word of the subject
                    {"subject:INVOICE", "1"},         // limited to the subject, any case
                    {"subject:marmalade", "0"},       // in the text only, not the subject
                    {"marmalade", "1"},               // the text/plain part
                    {"html", "1"},                    // the text/html part
                    {"\"weekly news\"", "1"},         // a phrase
                    {"thank jam", "0"},               // every word must match
                    {"to:eli", "1"},                  // an envelope recipient
                    {"from:shop news", "0"},
                    {"", "2"}}) {
                String answer = get(server, "/api/v1/capture/messages?q="
                        + java.net.URLEncoder.encode(row[0], StandardCharsets.UTF_8)).body();
                assertThat(answer).as("q=" + row[0]).contains("\"total\":" + row[1]);
            }
            // A long query would cost a pass over every message per word: refused, naming q (a request head over
            // 64 KiB never reaches the route: docs/web.md).
            var tooLong = get(server, "/api/v1/capture/messages?q=" + "x+".repeat(2_500));
            assertThat(tooLong.statusCode()).isEqualTo(400);
            assertThat(tooLong.body()).contains("\"field\":\"q\"");
        }
    }

    /** Every capture route is in the OpenAPI document the server serves, which stays valid YAML. */
    @Test
    @SuppressWarnings("unchecked") // the YAML's maps, read as what the document says they are
    void theCaptureApiIsInTheOpenApiDocument() throws Exception {
        try (TestServer server = TestServer.start(data, c -> c.withWeb(c.web().withCapture(true)))) {
            var answer = get(server, "/api/v1/openapi.yaml");
            assertThat(answer.statusCode()).isEqualTo(200);
            var yaml = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder()
                    .setAllowDuplicateKeys(false).build());
            var paths = (java.util.Map<String, Object>) ((java.util.Map<?, ?>) yaml.loadFromString(answer.body())).get("paths");
            assertThat(paths.keySet()).contains("/capture", "/api/v1/capture/messages", "/api/v1/capture/messages/{id}",
                    "/api/v1/capture/messages/{id}/raw", "/api/v1/capture/messages/{id}/html",
                    "/api/v1/capture/messages/{id}/attachments/{n}", "/api/v1/capture/events");
            var one = (java.util.Map<String, Object>) paths.get("/api/v1/capture/messages/{id}");
            assertThat(one.keySet()).contains("get", "delete");
        }
    }

    private static MimeMessage plain(Properties props, String to, String subject, String body) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("news@client.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText(body);
        return message;
    }

    /**
     * The list once it holds {@code count} messages and names each of {@code recipients}: a message's recipients
     * at several domains are delivered (and merged into its entry) group by group, so it is listed before all are.
     */
    private String awaitList(TestServer server, int count, String... recipients) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        String body;
        do {
            body = get(server, "/api/v1/capture/messages").body();
            String list = body;
            if (body.contains("\"total\":" + count) && java.util.Arrays.stream(recipients).allMatch(list::contains)) {
                return body;
            }
            Thread.sleep(50);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("expected " + count + " captured messages, got " + body);
    }

    private HttpResponse<String> get(TestServer server, String path) throws Exception {
        return send(server, "GET", path);
    }

    private HttpResponse<String> send(TestServer server, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.webUrl() + path)).method(method,
                HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
