package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Angus Mail's POP3 store, a real client, over implicit TLS and over STLS. */
class Pop3AngusMailTest {
    @TempDir
    Path dir;
    private Pop3Fixture fixture;

    @BeforeEach
    void start() throws IOException {
        fixture = new Pop3Fixture(dir, Pop3Fixture.settings());
        fixture.deliver("Subject: first\nFrom: a@b.test\n\nHello\n.\n");
        fixture.deliver("Subject: second\nFrom: a@b.test\n\nAgain\n");
    }

    @AfterEach
    void stop() {
        if (fixture != null) fixture.close();
    }

    @Test
    void pop3sReadsUidsAndDeletesOnClose() throws Exception {
        Properties props = new Properties();
        props.put("mail.pop3s.ssl.trust", "*");
        props.put("mail.pop3s.timeout", "20000");
        Store store = Session.getInstance(props).getStore("pop3s");
        store.connect("127.0.0.1", fixture.tlsPort(), "alice@local.test", "secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).isEqualTo(2);
        Message[] messages = inbox.getMessages();
        assertThat(messages[0].getSubject()).isEqualTo("first");
        assertThat(((String) messages[0].getContent()).replace("\r\n", "\n")).isEqualTo("Hello\n.\n");
        assertThat(((POP3Folder) inbox).getUID(messages[1])).isEqualTo(fixture.uniqueId(2));
        messages[0].setFlag(Flags.Flag.DELETED, true);
        inbox.close(true);
        store.close();
        assertThat(fixture.uids()).containsExactly(2L);
        assertThat(fixture.server.isLocked(Pop3Fixture.ALICE)).isFalse();
    }

    @Test
    void stlsIsRequiredAndWrongPasswordsFail() throws Exception {
        Properties props = new Properties();
        props.put("mail.pop3.starttls.enable", "true");
        props.put("mail.pop3.starttls.required", "true");
        props.put("mail.pop3.ssl.trust", "*");
        props.put("mail.pop3.timeout", "20000");
        Session session = Session.getInstance(props);
        Store bad = session.getStore("pop3");
        assertThatThrownBy(() -> bad.connect("127.0.0.1", fixture.port(), "alice@local.test", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class);
        Store store = session.getStore("pop3");
        store.connect("127.0.0.1", fixture.port(), "alice@local.test", "secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessage(2).getSubject()).isEqualTo("second");
        inbox.close(false);
        store.close();
        assertThat(fixture.uids()).containsExactly(1L, 2L);
    }
}
