package dev.tern.app.autoconfig;

import dev.tern.app.TernConfig;
import dev.tern.app.web.HttpError;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebExchange;
import dev.tern.mail.Domain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * Client autoconfiguration, so mail programs find the settings from the address alone: Mozilla's autoconfig
 * (Thunderbird, K-9; both the {@code /.well-known} and the {@code autoconfig.<domain>} form) and Microsoft's
 * Autodiscover POX (Outlook), and an (unsigned) Apple configuration profile for iOS and macOS Mail. No authentication: the documents hold only host names and ports. Only local domains
 * are answered; any other is a 404, so the server does not advertise itself for domains it does not hold.
 */
public final class AutoconfigRoutes {
    private static final long MAX_AUTODISCOVER_REQUEST = 16 * 1024;
    private static final String AUTODISCOVER_RESPONSE =
            "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    private final TernConfig config;

    private AutoconfigRoutes(TernConfig config) {
        this.config = config;
    }

    public static void register(Router router, WebContext context) {
        AutoconfigRoutes routes = new AutoconfigRoutes(context.config());
        router.get("/.well-known/autoconfig/mail/config-v1.1.xml", routes::mozilla);
        router.get("/mail/config-v1.1.xml", routes::mozilla);
        router.post("/autodiscover/autodiscover.xml", routes::autodiscover);
        router.post("/Autodiscover/Autodiscover.xml", routes::autodiscover);
        router.get("/apple/mail.mobileconfig", routes::apple);
    }

    /** The ports clients should use: each listener's first configured port, the standard one when it has none. */
    record Ports(int imap, int imaps, int pop3, int pop3s, int submission, int submissions) {
        static Ports of(TernConfig config) {
            return new Ports(port(config.imap().listen(), 143), port(config.imap().listenTls(), 993),
                    port(config.pop3().listen(), 110), port(config.pop3().listenTls(), 995),
                    port(config.server().submissionListeners(), 587), port(config.server().smtpsListeners(), 465));
        }

        private static int port(List<InetSocketAddress> listeners, int standard) {
            // port 0 (a free port picked at start) is no public port: clients get the standard one
            return listeners.stream().mapToInt(InetSocketAddress::getPort).filter(p -> p > 0).findFirst().orElse(standard);
        }
    }

    private void mozilla(WebExchange exchange) throws IOException {
        String address = exchange.query("emailaddress")
                .orElseThrow(() -> HttpError.badField("emailaddress", "emailaddress is required"));
        Domain domain = localDomain(address);
        String host = config.session().hostname();
        Ports ports = Ports.of(config);
        exchange.send(200, "application/xml; charset=utf-8", xml(w -> {
            w.writeStartElement("clientConfig");
            w.writeAttribute("version", "1.1");
            w.writeStartElement("emailProvider");
            w.writeAttribute("id", domain.name());
            element(w, "domain", domain.name());
            element(w, "displayName", domain.name());
            element(w, "displayShortName", domain.name());
            server(w, "incomingServer", "imap", host, ports.imaps(), "SSL");
            server(w, "incomingServer", "imap", host, ports.imap(), "STARTTLS");
            server(w, "incomingServer", "pop3", host, ports.pop3s(), "SSL");
            server(w, "incomingServer", "pop3", host, ports.pop3(), "STARTTLS");
            server(w, "outgoingServer", "smtp", host, ports.submissions(), "SSL");
            server(w, "outgoingServer", "smtp", host, ports.submission(), "STARTTLS");
            w.writeEndElement();
            w.writeEndElement();
        }));
    }

    private static void server(XMLStreamWriter w, String kind, String type, String host, int port, String socketType)
            throws XMLStreamException {
        w.writeStartElement(kind);
        w.writeAttribute("type", type);
        element(w, "hostname", host);
        element(w, "port", Integer.toString(port));
        element(w, "socketType", socketType);
        element(w, "authentication", "password-cleartext");
        element(w, "username", "%EMAILADDRESS%");
        w.writeEndElement();
    }

    private void autodiscover(WebExchange exchange) throws IOException {
        String address = requestedAddress(exchange.body(MAX_AUTODISCOVER_REQUEST))
                .orElseThrow(() -> HttpError.badRequest("the request names no EMailAddress"));
        localDomain(address);
        String host = config.session().hostname();
        Ports ports = Ports.of(config);
        exchange.send(200, "application/xml; charset=utf-8", xml(w -> {
            w.writeStartElement("Autodiscover");
            w.writeDefaultNamespace("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
            w.writeStartElement("Response");
            w.writeDefaultNamespace(AUTODISCOVER_RESPONSE);
            w.writeStartElement("Account");
            element(w, "AccountType", "email");
            element(w, "Action", "settings");
            protocol(w, "IMAP", host, ports.imaps(), address, "on");
            protocol(w, "POP3", host, ports.pop3s(), address, "on");
            protocol(w, "SMTP", host, ports.submissions(), address, "on");
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
        }));
    }

    private void apple(WebExchange exchange) throws IOException {
        String address = exchange.query("emailaddress")
                .orElseThrow(() -> HttpError.badField("emailaddress", "emailaddress is required"));
        Domain domain = localDomain(address);
        String host = config.session().hostname();
        Ports ports = Ports.of(config);
        // stable identifiers: installing the profile again replaces the account instead of adding a second one
        String id = "dev.tern.autoconfig." + domain.name();
        String uuid = UUID.nameUUIDFromBytes(("tern:" + address).getBytes(StandardCharsets.UTF_8)).toString();
        String accountUuid = UUID.nameUUIDFromBytes(("tern-account:" + address).getBytes(StandardCharsets.UTF_8)).toString();
        exchange.header("Content-Disposition", "attachment; filename=\"" + domain.name() + ".mobileconfig\"");
        exchange.send(200, "application/x-apple-aspen-config", xml(w -> {
            w.writeDTD("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                    + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
            w.writeStartElement("plist");
            w.writeAttribute("version", "1.0");
            w.writeStartElement("dict");
            key(w, "PayloadContent");
            w.writeStartElement("array");
            w.writeStartElement("dict");
            string(w, "EmailAccountDescription", address);
            string(w, "EmailAccountType", "EmailTypeIMAP");
            string(w, "EmailAddress", address);
            string(w, "IncomingMailServerAuthentication", "EmailAuthPassword");
            string(w, "IncomingMailServerHostName", host);
            integer(w, "IncomingMailServerPortNumber", ports.imaps());
            bool(w, "IncomingMailServerUseSSL", true);
            string(w, "IncomingMailServerUsername", address);
            string(w, "OutgoingMailServerAuthentication", "EmailAuthPassword");
            string(w, "OutgoingMailServerHostName", host);
            integer(w, "OutgoingMailServerPortNumber", ports.submissions());
            bool(w, "OutgoingMailServerUseSSL", true);
            string(w, "OutgoingMailServerUsername", address);
            bool(w, "OutgoingPasswordSameAsIncomingPassword", true);
            string(w, "PayloadDisplayName", address);
            string(w, "PayloadIdentifier", id + ".account");
            string(w, "PayloadType", "com.apple.mail.managed");
            string(w, "PayloadUUID", accountUuid);
            integer(w, "PayloadVersion", 1);
            w.writeEndElement();
            w.writeEndElement();
            string(w, "PayloadDisplayName", "Mail for " + domain.name());
            string(w, "PayloadIdentifier", id);
            bool(w, "PayloadRemovalDisallowed", false);
            string(w, "PayloadType", "Configuration");
            string(w, "PayloadUUID", uuid);
            integer(w, "PayloadVersion", 1);
            w.writeEndElement();
            w.writeEndElement();
        }));
    }

    private static void key(XMLStreamWriter w, String key) throws XMLStreamException {
        element(w, "key", key);
    }

    private static void string(XMLStreamWriter w, String key, String value) throws XMLStreamException {
        key(w, key);
        element(w, "string", value);
    }

    private static void integer(XMLStreamWriter w, String key, int value) throws XMLStreamException {
        key(w, key);
        element(w, "integer", Integer.toString(value));
    }

    private static void bool(XMLStreamWriter w, String key, boolean value) throws XMLStreamException {
        key(w, key);
        w.writeEmptyElement(value ? "true" : "false");
    }

    private static void protocol(XMLStreamWriter w, String type, String host, int port, String login, String ssl)
            throws XMLStreamException {
        w.writeStartElement("Protocol");
        element(w, "Type", type);
        element(w, "Server", host);
        element(w, "Port", Integer.toString(port));
        element(w, "LoginName", login);
        element(w, "SPA", "off");
        element(w, "SSL", ssl);
        element(w, "AuthRequired", "on");
        w.writeEndElement();
    }

    /**
     * The EMailAddress of an Autodiscover request. The parser supports no DTD and resolves no external entity
     * (XXE): a request with a DOCTYPE is refused as malformed.
     */
    static Optional<String> requestedAddress(byte[] body) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.DTD) throw HttpError.badRequest("a DOCTYPE is not accepted");
                    if (event == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals("EMailAddress")) {
                        return Optional.of(reader.getElementText().strip());
                    }
                }
                return Optional.empty();
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw HttpError.badRequest("the request is not well-formed XML");
        }
    }

    private Domain localDomain(String address) {
        int at = address.lastIndexOf('@');
        Domain domain;
        try {
            if (at <= 0) throw new IllegalArgumentException("no domain");
            domain = Domain.parse(address.substring(at + 1).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpError.badField("emailaddress", "not a mail address: " + address);
        }
        if (!config.directory().domains().contains(domain)) throw HttpError.notFound("no mail settings for that domain");
        return domain;
    }

    @FunctionalInterface
    private interface Body {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private static byte[] xml(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter writer = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            writer.writeStartDocument("UTF-8", "1.0");
            body.write(writer);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing an XML document in memory", e);
        }
        return out.toByteArray();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
