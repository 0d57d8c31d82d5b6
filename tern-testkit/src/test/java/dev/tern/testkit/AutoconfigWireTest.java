package dev.tern.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tern.testbase.RequiredTool;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Mozilla autoconfig and Autodiscover fetched over real HTTP from a running server (domain localhost). */
class AutoconfigWireTest {
    @TempDir
    static Path data;
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagNameNS("*", name).item(0).getTextContent();
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.webUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.webUrl() + path))
                        .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void mozillaDocumentNamesEveryServerWithItsPortAndSocketType() throws Exception {
        for (String path : List.of("/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml")) {
            HttpResponse<byte[]> response = get(path + "?emailaddress=alice%40localhost");
            assertEquals(200, response.statusCode(), path);
            Element root = parse(response.body()).getDocumentElement();
            assertEquals("clientConfig", root.getTagName());
            assertEquals("1.1", root.getAttribute("version"));
            Element provider = (Element) root.getElementsByTagName("emailProvider").item(0);
            assertEquals("localhost", provider.getAttribute("id"));
            assertEquals("localhost", text(provider, "domain"));
            List<String> servers = new ArrayList<>();
            for (String kind : List.of("incomingServer", "outgoingServer")) {
                NodeList nodes = provider.getElementsByTagName(kind);
                for (int i = 0; i < nodes.getLength(); i++) {
                    Element e = (Element) nodes.item(i);
                    assertEquals(server.config().session().hostname(), text(e, "hostname"));
                    assertEquals("%EMAILADDRESS%", text(e, "username"));
                    assertEquals("password-cleartext", text(e, "authentication"));
                    servers.add(e.getAttribute("type") + " " + text(e, "port") + " " + text(e, "socketType"));
                }
            }
            // the test server listens on free ports (0 in its config): clients are told the standard ports
            assertEquals(List.of("imap 993 SSL", "imap 143 STARTTLS", "pop3 995 SSL", "pop3 110 STARTTLS",
                    "smtp 465 SSL", "smtp 587 STARTTLS"), servers);
        }
    }

    @Test
    void unknownDomainOrMissingAddressIsRefused() throws Exception {
        assertEquals(404, get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40example.org").statusCode());
        assertEquals(400, get("/.well-known/autoconfig/mail/config-v1.1.xml").statusCode());
        assertEquals(400, get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nodomain").statusCode());
    }

    @Test
    void curlFetchesTheMozillaDocument() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        RequiredTool.requireExecutable(curl, "curl");
        Process p = new ProcessBuilder(curl.toString(), "-sS", "-f",
                server.webUrl() + "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=bob@localhost")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        assertEquals("clientConfig", parse(out).getDocumentElement().getTagName());
    }

    private static final String AUTODISCOVER_REQUEST = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request><EMailAddress>%s</EMailAddress>
              <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """;

    @Test
    void autodiscoverAnswersImapPop3AndSmtp() throws Exception {
        for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
            HttpResponse<byte[]> response = post(path, AUTODISCOVER_REQUEST.formatted("carol@localhost"));
            assertEquals(200, response.statusCode(), path);
            Document doc = parse(response.body());
            NodeList protocols = doc.getElementsByTagNameNS(
                    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a", "Protocol");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < protocols.getLength(); i++) {
                Element e = (Element) protocols.item(i);
                assertEquals(server.config().session().hostname(), text(e, "Server"));
                assertEquals("carol@localhost", text(e, "LoginName"));
                seen.add(text(e, "Type") + " " + text(e, "Port") + " " + text(e, "SSL"));
            }
            assertEquals(List.of("IMAP 993 on", "POP3 995 on", "SMTP 465 on"), seen);
        }
        assertEquals(404, post("/autodiscover/autodiscover.xml", AUTODISCOVER_REQUEST.formatted("x@example.org")).statusCode());
        assertEquals(400, post("/autodiscover/autodiscover.xml", "<not xml").statusCode());
    }

    @Test
    void autodiscoverRefusesExternalEntities() throws Exception {
        Path secret = Files.writeString(data.resolve("secret.txt"), "TOP-SECRET-VALUE@localhost");
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE a [<!ENTITY xxe SYSTEM "%s">]>
                <Autodiscover><Request><EMailAddress>&xxe;</EMailAddress></Request></Autodiscover>
                """.formatted(secret.toUri());
        HttpResponse<byte[]> response = post("/autodiscover/autodiscover.xml", xxe);
        assertEquals(400, response.statusCode());
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("TOP-SECRET"));
    }

    @Test
    void appleProfileIsAPlistThatPythonsPlistlibReads(@TempDir Path dir) throws Exception {
        RequiredTool.require(RequiredTool.systemPythonHas("plistlib"), "/usr/bin/python3 with plistlib (python3)");
        HttpResponse<byte[]> response = get("/apple/mail.mobileconfig?emailaddress=dave%40localhost");
        assertEquals(200, response.statusCode());
        assertEquals("application/x-apple-aspen-config", response.headers().firstValue("Content-Type").orElseThrow());
        Path profile = Files.write(dir.resolve("p.mobileconfig"), response.body());
        String script = """
                import plistlib, sys
                with open(sys.argv[1], 'rb') as f:
                    p = plistlib.load(f, fmt=plistlib.FMT_XML)
                a = p['PayloadContent'][0]
                print(p['PayloadType'], p['PayloadVersion'], a['PayloadType'], a['EmailAddress'],
                      a['IncomingMailServerHostName'], a['IncomingMailServerPortNumber'], a['IncomingMailServerUseSSL'],
                      a['OutgoingMailServerHostName'], a['OutgoingMailServerPortNumber'], a['OutgoingMailServerUseSSL'])
                """;
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, profile.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        String host = server.config().session().hostname();
        assertEquals("Configuration 1 com.apple.mail.managed dave@localhost " + host + " 993 True " + host + " 465 True", out);
        assertEquals(404, get("/apple/mail.mobileconfig?emailaddress=dave%40example.org").statusCode());
    }
}
