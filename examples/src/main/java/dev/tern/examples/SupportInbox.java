package dev.tern.examples;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** More application code under test: reads the support mailbox over IMAP with Angus Mail (jakarta.mail). */
public final class SupportInbox {
    private final String host;
    private final int port;
    private final String user;
    private final String password;

    public SupportInbox(String imapHost, int imapPort, String user, String password) {
        this.host = imapHost;
        this.port = imapPort;
        this.user = user;
        this.password = password;
    }

    /** The subjects in the inbox, oldest first. */
    public List<String> subjects() throws MessagingException {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect(host, port, user, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> subjects = new ArrayList<>();
            for (Message message : inbox.getMessages()) subjects.add(message.getSubject());
            inbox.close(false);
            return subjects;
        }
    }
}
