package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import dev.tern.store.MailStore;
import dev.tern.store.MaildirStore;
import dev.tern.tls.TlsContext;
import dev.tern.tls.TlsSettings;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Angus Mail's IMAPStore against a real ImapServer over MaildirStore: list, open, append, flags, expunge. */
class ImapAngusMailTest {
    @TempDir
    Path dir;

    @Test
    void angusMailListsAppendsReadsFlagsAndExpunges() throws Exception {
        MailStore store = MaildirStore.open(dir.resolve("mail"));
        store.deliver(Mailbox.of("alice", "example.org"), "d1",
                new ByteArrayInputStream("Subject: one\r\n\r\nbody one\r\n".getBytes(StandardCharsets.UTF_8)), false);
        TlsContext tls = TlsContext.open(TlsSettings.defaults(), Files.createDirectories(dir.resolve("tls")), "imap.tern.test");
        try (ImapServer server = new ImapServer(ImapServerSettings.defaults().withPlaintextOnLoopback(true).withListen(
                List.of(new InetSocketAddress("127.0.0.1", 0)), List.of()), store, c -> ImapWireTest.ACCOUNTS, tls)) {
            server.start();
            Properties props = new Properties();
            props.put("mail.imap.host", "127.0.0.1");
            props.put("mail.imap.port", Integer.toString(server.addresses("imap").getFirst().getPort()));
            props.put("mail.imap.timeout", "10000");
            props.put("mail.imap.connectiontimeout", "10000");
            Session session = Session.getInstance(props);
            Store imap = session.getStore("imap");
            imap.connect("alice@example.org", "secret");
            List<String> names = Arrays.stream(imap.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
            assertThat(names).contains("INBOX", "Sent", "Trash");

            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            MimeMessage added = new MimeMessage(session, new ByteArrayInputStream(
                    "Subject: two\r\n\r\nbody two\r\n".getBytes(StandardCharsets.UTF_8)));
            inbox.appendMessages(new Message[] {added});
            assertThat(inbox.getMessageCount()).isEqualTo(2);

            Message first = inbox.getMessage(1);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            first.writeTo(raw);
            assertThat(raw.toString(StandardCharsets.UTF_8)).contains("body");
            first.setFlag(Flags.Flag.DELETED, true);
            assertThat(first.isSet(Flags.Flag.DELETED)).isTrue();
            assertThat(inbox.expunge()).hasSize(1);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            inbox.close(false);
            imap.close();
        }
    }
}
